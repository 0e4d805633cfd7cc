package io.tierscope.platform.kafka;

import io.tierscope.platform.process.ChildProcess;
import io.tierscope.platform.process.JvmClasspath;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parent side of {@link BrokerMain}: a child JVM on this JVM's classpath, logging to {@code broker.log}. */
public final class BrokerProcess implements AutoCloseable {
    public static final String LOG_FILE = "broker.log";
    /**
     * C1 only: halves the start on a busy 2-core machine (measured 2-3 s vs 5-6.5 s). This broker
     * serves demos and tests; production runs a real cluster (ExternalPlatform).
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.showDateTime=true");

    /**
     * Ctrl-C in a terminal signals the whole foreground process group. The broker must outlive it
     * until the parent has shut its clients down and stops it (SIGTERM) or dies (stdin EOF), so it
     * starts with SIGINT and SIGHUP ignored; the JVM keeps signals that were ignored at launch
     * ignored, and {@code exec} keeps the pid.
     */
    static final String IGNORE_TERMINAL_SIGNALS = "trap '' INT HUP; exec \"$@\"";

    private final ChildProcess child;
    private final int kafkaPort;
    private final BrokerSecurity security;

    private BrokerProcess(ChildProcess child, int kafkaPort, BrokerSecurity security) {
        this.child = child;
        this.kafkaPort = kafkaPort;
        this.security = security;
    }

    /** Starts the broker and returns once it serves on {@code 127.0.0.1:kafkaPort}. */
    public static BrokerProcess start(Path dataDir, int kafkaPort, int controllerPort, Duration timeout) {
        return start(dataDir, kafkaPort, controllerPort, false, timeout);
    }

    /**
     * Starts the broker, secured (SASL_SSL + SCRAM-SHA-512 + ACLs, see {@link BrokerSecurity}) or open,
     * and returns once it serves on {@code 127.0.0.1:kafkaPort}. A data dir is formatted once: one first
     * started open has no admin credential and cannot be started secured later.
     */
    public static BrokerProcess start(Path dataDir, int kafkaPort, int controllerPort, boolean secured, Duration timeout) {
        Path dir = dataDir.toAbsolutePath();
        Path ready = dir.resolve(BrokerMain.READY_FILE);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(ready);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot prepare the broker data dir " + dir, e);
        }
        BrokerSecurity security;
        try {
            // Made here, before the child starts, so the parent holds the same secrets the broker uses.
            security = secured ? BrokerSecurity.prepare(dir) : null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot prepare the secured broker's TLS material in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the secured broker", e);
        }
        Path argFile = JvmClasspath.writeArgFile(dir.resolve("broker-classpath.args"), JvmClasspath.current());
        List<String> command = new ArrayList<>(List.of("sh", "-c", IGNORE_TERMINAL_SIGNALS, "tierscope-broker"));
        command.add(JvmClasspath.javaLauncher().toString());
        command.addAll(JVM_OPTIONS);
        command.add("@" + argFile);
        command.add(BrokerMain.class.getName());
        command.addAll(List.of("--data-dir", dir.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--controller-port", Integer.toString(controllerPort), "--secured", Boolean.toString(secured)));
        ChildProcess child = ChildProcess.start("Kafka broker", command, dir, dir.resolve(LOG_FILE), Map.of());
        child.awaitReady(() -> Files.exists(ready), timeout);
        return new BrokerProcess(child, kafkaPort, security);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** The security material of a secured broker, or null for an open one. */
    public BrokerSecurity security() {
        return security;
    }

    public long pid() {
        return child.pid();
    }

    public boolean isAlive() {
        return child.isAlive();
    }

    @Override
    public void close() {
        child.stop(Duration.ofSeconds(35));
    }
}
