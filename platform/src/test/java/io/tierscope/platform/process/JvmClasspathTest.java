package io.tierscope.platform.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmClasspathTest {

    @Test
    void expandsManifestOnlyJarsLikeSurefiresBooter(@TempDir Path dir) throws Exception {
        Path libs = Files.createDirectories(dir.resolve("my libs"));
        Path a = Files.createFile(libs.resolve("a.jar"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path booter = manifestJar(dir.resolve("booter.jar"), "my%20libs/a.jar " + classes.toUri());

        List<Path> expanded = JvmClasspath.expand(booter + File.pathSeparator + a);

        assertEquals(List.of(booter, a, classes), expanded);
    }

    @Test
    void argFileQuotesPathsSoJavaReadsThemBack(@TempDir Path dir) throws Exception {
        Path file = JvmClasspath.writeArgFile(dir.resolve("cp.args"), List.of(Path.of("/x y/a.jar"), Path.of("/b\"c")));
        List<String> lines = Files.readAllLines(file);
        assertEquals("-cp", lines.get(0));
        assertEquals("\"/x y/a.jar" + File.pathSeparator + "/b\\\"c\"", lines.get(1));
    }

    @Test
    void currentClasspathContainsThisTestsClasses() {
        Path here = Path.of(System.getProperty("user.dir")).resolve("target").resolve("test-classes").toAbsolutePath();
        assertTrue(JvmClasspath.current().contains(here), () -> "missing " + here + " in " + JvmClasspath.current());
    }

    private static Path manifestJar(Path jar, String classPath) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.finish();
        }
        return jar;
    }
}
