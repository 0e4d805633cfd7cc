package io.tierscope.platform.testing;

import io.tierscope.platform.EmbeddedPlatform;
import io.tierscope.platform.Platform;
import io.tierscope.platform.PlatformConfig;
import io.tierscope.platform.Platforms;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One platform per test JVM for every integration test of every module: external when
 * {@code KAFKA_BOOTSTRAP_SERVERS} and {@code SCHEMA_REGISTRY_URL} are set, otherwise an
 * {@link EmbeddedPlatform} under {@code target/it-platform-<pid>}. It lives in the root context's
 * store, so JUnit closes it once, after the last test class.
 * <p>
 * Use: {@code @ExtendWith(PlatformExtension.class)} and take a {@link Platform} parameter (or an
 * {@link EmbeddedPlatform} one, resolvable only when embedded) in a test, lifecycle method or
 * constructor. Name topics with {@link #uniqueTopic(String)} so test classes never share one.
 */
public final class PlatformExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PlatformExtension.class);
    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();
    private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == Platform.class) {
            return true;
        }
        return type == EmbeddedPlatform.class && platform(context) instanceof EmbeddedPlatform;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return platform(context);
    }

    /** The shared platform, started on first use. */
    public static Platform platform(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Platform.class, key -> start(), Platform.class);
    }

    private static Platform start() {
        Path dataDir = Path.of("target", "it-platform-" + ProcessHandle.current().pid()).toAbsolutePath();
        return Platforms.fromEnvironment(PlatformConfig.builder().dataDir(dataDir).build());
    }

    /**
     * A topic name no other test (of this or an earlier run against the same cluster) uses:
     * {@code <prefix>-<run>-<n>}, lower case, Kafka-legal characters only.
     */
    public static String uniqueTopic(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        return clean + "-" + RUN_ID + "-" + TOPIC_COUNTER.incrementAndGet();
    }
}
