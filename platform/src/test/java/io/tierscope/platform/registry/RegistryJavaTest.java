package io.tierscope.platform.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryJavaTest {

    @Test
    void forcedHomeWinsAndMustBeNewEnough(@TempDir Path dir) throws Exception {
        Path jdk25 = jdk(dir.resolve("jdk25"), "25.0.1");
        Path jdk17 = jdk(dir.resolve("jdk17"), "17.0.15");
        assertEquals(jdk25, RegistryJava.find(Map.of(RegistryJava.JAVA_HOME_ENV, jdk25.toString()), jdk17, List.of()));
        IllegalStateException old = assertThrows(IllegalStateException.class,
                () -> RegistryJava.find(Map.of(RegistryJava.JAVA_HOME_ENV, jdk17.toString()), jdk17, List.of()));
        assertTrue(old.getMessage().contains(RegistryJava.JAVA_HOME_ENV) && old.getMessage().contains("17"), old.getMessage());
    }

    @Test
    void javaHomeThenThisJvmThenTheNewestScannedJdk(@TempDir Path dir) throws Exception {
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        Path jdk17 = jdk(jvms.resolve("java-17"), "17.0.15");
        Path jdk21 = jdk(jvms.resolve("java-21"), "21.0.5");
        Path jdk25 = jdk(jvms.resolve("temurin-25"), "25");
        jdk(jvms.resolve("java-8"), "1.8.0_412");
        Files.createDirectories(jvms.resolve("not-a-jdk"));

        assertEquals(jdk21, RegistryJava.find(Map.of("JAVA_HOME", jdk21.toString()), jdk17, List.of(jvms)));
        assertEquals(jdk25, RegistryJava.find(Map.of("JAVA_HOME", jdk17.toString()), jdk25, List.of()));
        assertEquals(jdk25, RegistryJava.find(Map.of("JAVA_HOME", jdk17.toString()), jdk17, List.of(jvms)));
    }

    @Test
    void noSuitableJdkSaysWhatToInstall(@TempDir Path dir) throws Exception {
        Path jdk17 = jdk(dir.resolve("jvm/java-17"), "17.0.15");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RegistryJava.find(Map.of(), jdk17, List.of(dir.resolve("jvm"))));
        assertTrue(e.getMessage().contains("openjdk-21") && e.getMessage().contains(RegistryJava.JAVA_HOME_ENV)
                && e.getMessage().contains(dir.resolve("jvm").toString()), e.getMessage());
    }

    @Test
    void readsMajorVersionsFromReleaseFiles(@TempDir Path dir) throws Exception {
        assertEquals(Optional.of(8), RegistryJava.majorVersion(jdk(dir.resolve("a"), "1.8.0_412")));
        assertEquals(Optional.of(21), RegistryJava.majorVersion(jdk(dir.resolve("b"), "21.0.5")));
        assertEquals(Optional.empty(), RegistryJava.majorVersion(dir.resolve("missing")));
    }

    private static Path jdk(Path home, String version) throws Exception {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }
}
