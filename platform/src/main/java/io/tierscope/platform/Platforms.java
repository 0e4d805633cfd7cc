package io.tierscope.platform;

import java.util.Map;

/** Chooses between an external platform (named by environment variables) and an embedded one. */
public final class Platforms {
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String REGISTRY_ENV = "SCHEMA_REGISTRY_URL";

    private Platforms() {
    }

    /**
     * {@link ExternalPlatform} when both {@value #BOOTSTRAP_ENV} and {@value #REGISTRY_ENV} are set,
     * otherwise starts an {@link EmbeddedPlatform} with {@code defaults}.
     */
    public static Platform fromEnvironment(PlatformConfig defaults) {
        return fromEnvironment(defaults, System.getenv());
    }

    public static Platform fromEnvironment(PlatformConfig defaults, Map<String, String> env) {
        String bootstrap = nonBlank(env.get(BOOTSTRAP_ENV));
        String registry = nonBlank(env.get(REGISTRY_ENV));
        if (bootstrap != null && registry != null) {
            return new ExternalPlatform(bootstrap, registry);
        }
        if (bootstrap != null || registry != null) {
            // Half a configuration is almost always a typo; starting an embedded cluster instead
            // would silently send data somewhere the operator did not mean.
            String missing = bootstrap == null ? BOOTSTRAP_ENV : REGISTRY_ENV;
            String present = bootstrap == null ? REGISTRY_ENV : BOOTSTRAP_ENV;
            throw new IllegalStateException(present + " is set but " + missing
                    + " is not: set both to use an external platform, or neither to start the embedded one");
        }
        return EmbeddedPlatform.start(defaults);
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
