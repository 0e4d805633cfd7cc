package io.tierscope.platform.registry;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApicurioDistributionTest {

    @Test
    void versionComesFromTheFilteredPomProperty() {
        assertTrue(ApicurioDistribution.version().matches("\\d+\\.\\d+\\.\\d+.*"), ApicurioDistribution.version());
    }

    @Test
    void systemPropertyBeatsEnvironmentWhichBeatsTheLocalRepository(@TempDir Path dir) throws Exception {
        Path fromProperty = Files.createFile(dir.resolve("p.tar.gz"));
        Path fromEnv = Files.createFile(dir.resolve("e.tar.gz"));
        Path repo = dir.resolve("repo");
        Path inRepo = repo.resolve("io/apicurio/apicurio-registry-app/9.9.9/apicurio-registry-app-9.9.9-all.tar.gz");
        Files.createDirectories(inRepo.getParent());
        Files.createFile(inRepo);
        Properties props = new Properties();
        props.setProperty("maven.repo.local", repo.toString());
        Map<String, String> env = Map.of(ApicurioDistribution.DIST_ENV, fromEnv.toString());

        assertEquals(inRepo, ApicurioDistribution.locateArchive("9.9.9", props, Map.of()));
        assertEquals(fromEnv, ApicurioDistribution.locateArchive("9.9.9", props, env));
        props.setProperty(ApicurioDistribution.DIST_PROPERTY, fromProperty.toString());
        assertEquals(fromProperty, ApicurioDistribution.locateArchive("9.9.9", props, env));
    }

    @Test
    void missingArchiveNamesWhereItLookedAndWhatToDo(@TempDir Path dir) {
        Properties props = new Properties();
        props.setProperty("user.home", dir.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ApicurioDistribution.locateArchive("9.9.9", props, Map.of()));
        assertTrue(e.getMessage().contains(dir.resolve(".m2/repository").toString()) && e.getMessage().contains(ApicurioDistribution.DIST_ENV),
                e.getMessage());
        props.setProperty(ApicurioDistribution.DIST_PROPERTY, dir.resolve("nope.tar.gz").toString());
        IllegalStateException named = assertThrows(IllegalStateException.class,
                () -> ApicurioDistribution.locateArchive("9.9.9", props, Map.of()));
        assertTrue(named.getMessage().contains("nope.tar.gz"), named.getMessage());
    }

    @Test
    void unpacksOnceAndConcurrentUnpackersAgree(@TempDir Path dir) throws Exception {
        Path archive = tarGz(dir.resolve("dist.tar.gz"), Map.of("quarkus-run.jar", "run", "lib/main/a.jar", "a"));
        Path target = dir.resolve("cache").resolve("apicurio-registry-1.0");

        List<CompletableFuture<Path>> racers = Stream.generate(() -> CompletableFuture.supplyAsync(
                () -> ApicurioDistribution.unpack(archive, target))).limit(3).toList();
        for (CompletableFuture<Path> racer : racers) {
            assertEquals(target, racer.get());
        }
        assertEquals("run", Files.readString(target.resolve("quarkus-run.jar")));
        assertEquals("a", Files.readString(target.resolve("lib/main/a.jar")));
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertEquals(List.of(target), siblings.toList(), "temporary directories are cleaned up");
        }
        Files.delete(archive);
        assertEquals(target, ApicurioDistribution.unpack(archive, target), "an unpacked copy is reused");
    }

    @Test
    void rejectsEntriesOutsideTheRootAndArchivesWithoutTheRunJar(@TempDir Path dir) throws Exception {
        Path evil = tarGz(dir.resolve("evil.tar.gz"), Map.of("quarkus-run.jar", "run", "../escape.txt", "x"));
        IllegalStateException outside = assertThrows(IllegalStateException.class,
                () -> ApicurioDistribution.unpack(evil, dir.resolve("c1").resolve("t")));
        assertTrue(outside.getMessage().contains("../escape.txt"), outside.getMessage());
        assertFalse(Files.exists(dir.resolve("c1").resolve("escape.txt")));

        Path empty = tarGz(dir.resolve("empty.tar.gz"), Map.of("README", "x"));
        IllegalStateException noJar = assertThrows(IllegalStateException.class,
                () -> ApicurioDistribution.unpack(empty, dir.resolve("c2").resolve("t")));
        assertTrue(noJar.getMessage().contains("quarkus-run.jar"), noJar.getMessage());
        assertFalse(Files.exists(dir.resolve("c2").resolve("t")));
    }

    private static Path tarGz(Path file, Map<String, String> entries) throws Exception {
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true);
                entry.setSize(bytes.length);
                tar.putArchiveEntry(entry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
        return file;
    }
}
