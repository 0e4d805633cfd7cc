package io.tierscope.platform.registry;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds the Apicurio Registry distribution ({@code apicurio-registry-app-<v>-all.tar.gz}, which the
 * platform build copies into the local Maven repository) and unpacks it once into
 * {@code ~/.cache/tierscope/apicurio-registry-<v>}.
 */
public final class ApicurioDistribution {
    public static final String DIST_PROPERTY = "tierscope.apicurio.dist";
    public static final String DIST_ENV = "TIERSCOPE_APICURIO_DIST";
    public static final String CACHE_PROPERTY = "tierscope.cache.dir";
    public static final String RUN_JAR = "quarkus-run.jar";

    private ApicurioDistribution() {
    }

    /** The registry version, from the root pom's {@code apicurio.version} (filtered resource). */
    public static String version() {
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream("apicurio.properties")) {
            if (in == null) {
                throw new IllegalStateException("apicurio.properties is missing from the tierscope-platform jar");
            }
            Properties props = new Properties();
            props.load(in);
            String version = props.getProperty("apicurio.version", "");
            if (version.isBlank() || version.contains("${")) {
                throw new IllegalStateException("apicurio.properties was not filtered by the build: \"" + version + "\"");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read apicurio.properties", e);
        }
    }

    /** Unpacked distribution directory (holding {@value #RUN_JAR}), unpacking on first use. */
    public static Path prepare() {
        String version = version();
        Path archive = locateArchive(version, System.getProperties(), System.getenv());
        return unpack(archive, cacheRoot(System.getProperties()).resolve("apicurio-registry-" + version));
    }

    /** The archive named by the system property, else the environment, else the local Maven repository. */
    static Path locateArchive(String version, Properties sysProps, Map<String, String> env) {
        String explicit = sysProps.getProperty(DIST_PROPERTY);
        String source = "system property " + DIST_PROPERTY;
        if (explicit == null || explicit.isBlank()) {
            explicit = env.get(DIST_ENV);
            source = "environment variable " + DIST_ENV;
        }
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException(source + " names " + path + ", which is not a file");
            }
            return path;
        }
        Path repo = localRepository(sysProps);
        Path path = repo.resolve(Path.of("io", "apicurio", "apicurio-registry-app", version,
                "apicurio-registry-app-" + version + "-all.tar.gz"));
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("Apicurio Registry " + version + " distribution not found at " + path
                    + "; build the platform module once (mvn -pl platform -am package) to fetch it, or set "
                    + DIST_PROPERTY + " / " + DIST_ENV + " to the tar.gz");
        }
        return path;
    }

    static Path localRepository(Properties sysProps) {
        String configured = sysProps.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(sysProps.getProperty("user.home"), ".m2", "repository");
    }

    static Path cacheRoot(Properties sysProps) {
        String configured = sysProps.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(sysProps.getProperty("user.home"), ".cache", "tierscope");
    }

    /**
     * Unpacks {@code archive} into {@code target} unless already there. Extracts into a temporary
     * sibling and renames it into place, so a reader never sees a half-written tree and two JVMs
     * racing both end up with the one complete copy.
     */
    static Path unpack(Path archive, Path target) {
        if (Files.isRegularFile(target.resolve(RUN_JAR))) {
            return target;
        }
        Path parent = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(parent);
            temp = Files.createTempDirectory(parent, "." + target.getFileName() + "-");
            extract(archive, temp);
            if (!Files.isRegularFile(temp.resolve(RUN_JAR))) {
                throw new IllegalStateException(archive + " has no " + RUN_JAR + " at its top level; not an Apicurio Registry distribution");
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                temp = null;
            } catch (IOException raced) {
                // Another JVM finished first (rename(2) fails with ENOTEMPTY, which Java reports as a
                // plain FileSystemException); its copy is as good as ours.
                if (!Files.isRegularFile(target.resolve(RUN_JAR))) {
                    throw new IllegalStateException(target + " exists but holds no " + RUN_JAR
                            + "; delete it and retry", raced);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + archive + " into " + target, e);
        } finally {
            if (temp != null) {
                deleteTree(temp);
            }
        }
    }

    private static void extract(Path archive, Path into) throws IOException {
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new GzipCompressorInputStream(new BufferedInputStream(file, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path destination = into.resolve(entry.getName()).normalize();
                if (!destination.startsWith(into)) {
                    throw new IllegalStateException(archive + ": entry \"" + entry.getName() + "\" points outside the archive root");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else if (entry.isFile()) {
                    Files.createDirectories(destination.getParent());
                    Files.copy(tar, destination, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    throw new IllegalStateException(archive + ": entry \"" + entry.getName()
                            + "\" is neither a file nor a directory (links are not expected in the registry distribution)");
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + path, e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
