package io.tierscope.platform.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK new enough for Apicurio Registry 3 (Java 21+), since the project itself builds and
 * runs on 17. Order: {@value #JAVA_HOME_ENV}, {@code JAVA_HOME}, this JVM, then the newest JDK under
 * the scan roots ({@code /usr/lib/jvm}) by the {@code JAVA_VERSION} in its {@code release} file.
 */
public final class RegistryJava {
    public static final String JAVA_HOME_ENV = "TIERSCOPE_REGISTRY_JAVA_HOME";
    public static final int MIN_VERSION = 21;
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(\\d+)");

    private RegistryJava() {
    }

    public static Path find() {
        return find(System.getenv(), Path.of(System.getProperty("java.home")), List.of(Path.of("/usr/lib/jvm")));
    }

    /** The chosen JDK home; fails with a message naming what was checked and what to install. */
    public static Path find(Map<String, String> env, Path currentJavaHome, List<Path> scanRoots) {
        List<String> checked = new ArrayList<>();
        String forced = env.get(JAVA_HOME_ENV);
        if (forced != null && !forced.isBlank()) {
            Path home = Path.of(forced);
            int version = majorVersion(home).orElse(-1);
            if (version < MIN_VERSION || !Files.isExecutable(launcher(home))) {
                throw new IllegalStateException(JAVA_HOME_ENV + "=" + forced + " is not a JDK " + MIN_VERSION
                        + "+ (found Java " + (version < 0 ? "unknown: no release file" : version)
                        + "); Apicurio Registry needs Java " + MIN_VERSION + " or newer");
            }
            return home;
        }
        String javaHome = env.get("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            if (usable(Path.of(javaHome))) {
                return Path.of(javaHome);
            }
            checked.add("JAVA_HOME=" + javaHome);
        }
        if (usable(currentJavaHome)) {
            return currentJavaHome;
        }
        checked.add("this JVM (" + currentJavaHome + ")");
        Path best = null;
        int bestVersion = -1;
        for (Path root : scanRoots) {
            checked.add(root + "/*");
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> homes = Files.list(root)) {
                for (Path home : (Iterable<Path>) homes.sorted()::iterator) {
                    int version = majorVersion(home).orElse(-1);
                    if (version >= MIN_VERSION && version > bestVersion && Files.isExecutable(launcher(home))) {
                        best = home;
                        bestVersion = version;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
        }
        if (best != null) {
            return best;
        }
        throw new IllegalStateException("Apicurio Registry needs a JDK " + MIN_VERSION + "+ and none was found (checked "
                + String.join(", ", checked) + "). Install one, e.g. `apt-get install openjdk-21-jdk-headless`"
                + " (or Temurin 21/25), or point " + JAVA_HOME_ENV + " at one.");
    }

    public static Path launcher(Path home) {
        return home.resolve("bin").resolve("java");
    }

    private static boolean usable(Path home) {
        return majorVersion(home).orElse(-1) >= MIN_VERSION && Files.isExecutable(launcher(home));
    }

    /** Major version from {@code <home>/release}, e.g. {@code JAVA_VERSION="25.0.1"} -> 25. */
    static Optional<Integer> majorVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(release));
            if (!m.find()) {
                return Optional.empty();
            }
            int major = Integer.parseInt(m.group(1));
            // Java 8 and older write "1.8.0_..."
            return Optional.of(major == 1 ? 8 : major);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
