package io.tierscope.platform;

import io.tierscope.platform.kafka.BrokerProcess;
import io.tierscope.platform.process.FreePorts;
import io.tierscope.platform.registry.ApicurioDistribution;
import io.tierscope.platform.registry.RegistryJava;
import io.tierscope.platform.registry.RegistryProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A real single-node KRaft Kafka broker and a real Apicurio Registry, each in a child process on
 * loopback, started in parallel. The children die with this JVM however it ends (see
 * {@link io.tierscope.platform.process.ChildProcess}); logs are {@code broker.log} and
 * {@code registry.log} in the data dir.
 */
public final class EmbeddedPlatform implements Platform {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatform.class);

    private final PlatformConfig config;
    private final DataDirLock dataDirLock;
    private final int kafkaPort;
    private final int controllerPort;
    private final int registryPort;
    private final String registryUrl;
    private RegistryProcess registry;
    private Duration registryStartup;
    private BrokerProcess broker;
    private Duration brokerStartup;
    private boolean closed;

    private EmbeddedPlatform(PlatformConfig config, DataDirLock dataDirLock, int kafkaPort, int controllerPort,
                             BrokerProcess broker, Duration brokerStartup, RegistryProcess registry, Duration registryStartup) {
        this.config = config;
        this.dataDirLock = dataDirLock;
        this.kafkaPort = kafkaPort;
        this.controllerPort = controllerPort;
        this.broker = broker;
        this.brokerStartup = brokerStartup;
        this.registry = registry;
        this.registryStartup = registryStartup;
        this.registryUrl = registry.url();
        this.registryPort = registry.port();
    }

    /**
     * Locks the data dir (see {@link DataDirLock}; held until {@link #close}), then starts broker
     * and registry in parallel and returns once both serve.
     *
     * @throws PlatformStartException when another platform holds the data dir, or a child fails to start
     */
    public static EmbeddedPlatform start(PlatformConfig config) {
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        try {
            return start(config, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static EmbeddedPlatform start(PlatformConfig config, DataDirLock lock) {
        long begin = System.nanoTime();
        int kafkaPort = FreePorts.resolve(config.kafkaPort());
        int controllerPort = config.controllerPort() != 0 ? config.controllerPort() : distinctFreePort(kafkaPort);
        int registryPort = config.registryPort() != 0 ? config.registryPort() : distinctFreePort(kafkaPort, controllerPort);
        FreePorts.requireFree(kafkaPort, "Kafka broker");
        FreePorts.requireFree(controllerPort, "KRaft controller");
        FreePorts.requireFree(registryPort, "schema registry");
        Path dataDir = config.dataDir().toAbsolutePath();

        ExecutorService starters = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "platform-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture<Timed<BrokerProcess>> brokerFuture = CompletableFuture.supplyAsync(timed(() ->
                    BrokerProcess.start(dataDir, kafkaPort, controllerPort, config.secured(), config.startupTimeout())), starters);
            CompletableFuture<Timed<RegistryProcess>> registryFuture = CompletableFuture.supplyAsync(timed(() ->
                    RegistryProcess.start(ApicurioDistribution.prepare(), RegistryJava.find(), dataDir, registryPort,
                            config.startupTimeout())), starters);
            Timed<BrokerProcess> broker = join(brokerFuture, registryFuture);
            Timed<RegistryProcess> registry = join(registryFuture, brokerFuture);
            EmbeddedPlatform platform = new EmbeddedPlatform(config, lock, kafkaPort, controllerPort, broker.value,
                    broker.took, registry.value, registry.took);
            LOG.info("Embedded platform up in {} ms (data {}): Kafka at {} ({} ms), registry at {} ({} ms)",
                    Duration.ofNanos(System.nanoTime() - begin).toMillis(), dataDir, platform.bootstrapServers(),
                    broker.took.toMillis(), platform.schemaRegistryUrl(), registry.took.toMillis());
            return platform;
        } finally {
            starters.shutdown();
        }
    }

    /** Waits for {@code mine}; if it failed, stops whatever {@code other} started and rethrows. */
    private static <T> T join(CompletableFuture<T> mine, CompletableFuture<? extends Timed<? extends AutoCloseable>> other) {
        try {
            return mine.join();
        } catch (CompletionException e) {
            try {
                other.join().value().close();
            } catch (Exception otherFailed) {
                e.getCause().addSuppressed(otherFailed);
            }
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new PlatformStartException(cause.getMessage(), cause);
        }
    }

    private static int distinctFreePort(int... taken) {
        while (true) {
            int port = FreePorts.pick();
            boolean clash = false;
            for (int t : taken) {
                clash |= t == port;
            }
            if (!clash) {
                return port;
            }
        }
    }

    /** The secured broker's security material (admin credential, trust store), or null when it is open. */
    public io.tierscope.platform.kafka.BrokerSecurity brokerSecurity() {
        return broker.security();
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    @Override
    public String schemaRegistryUrl() {
        return registryUrl;
    }

    @Override
    public boolean embedded() {
        return true;
    }

    public Path dataDir() {
        return config.dataDir().toAbsolutePath();
    }

    /** How long the last broker start took (process launch to serving). */
    public synchronized Duration brokerStartup() {
        return brokerStartup;
    }

    /** How long the registry start took (including unpacking the distribution the first time). */
    public synchronized Duration registryStartup() {
        return registryStartup;
    }

    public synchronized boolean registryRunning() {
        return registry != null;
    }

    /** Stops the registry (for outage tests); the broker keeps running. Its schemas stay in the data dir. */
    public synchronized void stopRegistry() {
        requireOpen();
        if (registry != null) {
            registry.close();
            registry = null;
            LOG.info("schema registry stopped");
        }
    }

    /** Starts the registry again on the same data dir and port: same URL, same schema ids. */
    public synchronized void startRegistry() {
        requireOpen();
        if (registry != null) {
            throw new IllegalStateException("the registry is already running at " + registryUrl);
        }
        Timed<RegistryProcess> started = timed(() -> RegistryProcess.start(ApicurioDistribution.prepare(),
                RegistryJava.find(), dataDir(), registryPort, config.startupTimeout())).get();
        registry = started.value;
        registryStartup = started.took;
        LOG.info("schema registry restarted at {} in {} ms", registryUrl, started.took.toMillis());
    }

    public synchronized boolean brokerRunning() {
        return broker != null && broker.isAlive();
    }

    /** Stops the broker cleanly (for outage tests); the registry keeps running. */
    public synchronized void stopBroker() {
        requireOpen();
        if (broker != null) {
            broker.close();
            broker = null;
            LOG.info("Kafka broker stopped");
        }
    }

    /** Starts the broker again on the same data dir and port, so clients reconnect to the same address. */
    public synchronized void startBroker() {
        requireOpen();
        if (broker != null) {
            throw new IllegalStateException("the broker is already running at " + bootstrapServers());
        }
        Timed<BrokerProcess> started = timed(() -> BrokerProcess.start(dataDir(), kafkaPort, controllerPort,
                config.startupTimeout())).get();
        broker = started.value;
        brokerStartup = started.took;
        LOG.info("Kafka broker restarted at {} in {} ms", bootstrapServers(), started.took.toMillis());
    }

    /** Stops broker and registry (SIGTERM, wait, then SIGKILL). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            if (broker != null) {
                broker.close();
                broker = null;
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            if (registry != null) {
                registry.close();
                registry = null;
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        // Last: the dir is free only once no child of ours writes to it any more.
        dataDirLock.close();
        if (failure != null) {
            throw failure;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the embedded platform is closed");
        }
    }

    private record Timed<T>(T value, Duration took) {
    }

    private static <T> Supplier<Timed<T>> timed(Supplier<T> action) {
        return () -> {
            long start = System.nanoTime();
            T value = action.get();
            return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
        };
    }
}
