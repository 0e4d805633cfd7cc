package io.tierscope.platform.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

/**
 * The classpath of this JVM, flattened so a child JVM can use it. Surefire/failsafe may run tests
 * from a manifest-only jar and {@code java -jar app.jar} uses the jar's {@code Class-Path}; both
 * are expanded here so the child gets explicit entries that stay valid on their own.
 */
public final class JvmClasspath {
    private JvmClasspath() {
    }

    public static List<Path> current() {
        return expand(System.getProperty("java.class.path", ""));
    }

    /** Splits {@code classpath}, adding every jar's manifest {@code Class-Path} entries after the jar. */
    public static List<Path> expand(String classpath) {
        Set<Path> entries = new LinkedHashSet<>();
        for (String part : classpath.split(File.pathSeparator)) {
            if (!part.isBlank()) {
                add(Path.of(part).toAbsolutePath().normalize(), entries);
            }
        }
        return List.copyOf(entries);
    }

    private static void add(Path entry, Set<Path> entries) {
        if (!entries.add(entry)) {
            return;
        }
        if (!entry.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
            return;
        }
        for (Path referenced : manifestClassPath(entry)) {
            add(referenced, entries);
        }
    }

    private static List<Path> manifestClassPath(Path jar) {
        List<Path> referenced = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (value == null) {
                return referenced;
            }
            URI base = jar.toUri();
            for (String item : value.trim().split("\\s+")) {
                if (!item.isEmpty()) {
                    // Class-Path items are URLs relative to the jar (spaces encoded as %20).
                    referenced.add(Path.of(base.resolve(new URI(item))).toAbsolutePath().normalize());
                }
            }
            return referenced;
        } catch (ZipException notAZip) {
            // The JVM skips such an entry too; pass it on unexpanded rather than fail the start.
            return referenced;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + jar, e);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("bad Class-Path entry in the manifest of " + jar + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a java {@code @argfile} holding {@code -cp <entries>}: a long classpath on the command
     * line would hit the kernel's 128 KiB limit for one argument.
     */
    public static Path writeArgFile(Path file, List<Path> entries) {
        StringBuilder joined = new StringBuilder();
        for (Path entry : entries) {
            if (joined.length() > 0) {
                joined.append(File.pathSeparatorChar);
            }
            joined.append(entry);
        }
        String quoted = "\"" + joined.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, "-cp" + System.lineSeparator() + quoted + System.lineSeparator(),
                    StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The java launcher of this JVM. */
    public static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
