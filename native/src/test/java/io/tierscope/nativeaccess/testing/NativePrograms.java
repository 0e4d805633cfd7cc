package io.tierscope.nativeaccess.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Compiles and runs the small C programs under src/test/resources/native with gcc. */
public final class NativePrograms {
    private NativePrograms() {
    }

    /** Compiles {@code native/<name>.c} into {@code dir}; skips the calling test when gcc is absent. */
    public static Path compile(String name, Path dir) throws IOException, InterruptedException {
        assumeTrue(gccAvailable(), "gcc is not on the PATH: this test checks the Java side against what gcc"
                + " compiles, install gcc to run it");
        Path source = dir.resolve(name + ".c");
        try (InputStream in = NativePrograms.class.getResourceAsStream("/native/" + name + ".c")) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Path binary = dir.resolve(name);
        Process gcc = new ProcessBuilder("gcc", "-Wall", "-O2", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.waitFor(), "gcc failed on " + name + ".c:\n" + output);
        return binary;
    }

    /** Runs a program to completion and returns its stdout lines. */
    public static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish");
        }
        assertEquals(0, p.exitValue(), command + " failed");
        return new ArrayList<>(out.lines().toList());
    }

    public static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
