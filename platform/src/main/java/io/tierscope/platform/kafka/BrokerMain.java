package io.tierscope.platform.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Child-JVM entry point: one KRaft node (broker + controller). Formats the log dir on first use
 * with the data dir's fixed cluster id, runs {@link KafkaRaftServer}, writes {@code broker.ready}
 * once the broker serves, and exits on SIGTERM or when stdin reaches EOF (the parent is gone).
 * <p>
 * Usage: {@code BrokerMain --data-dir DIR --kafka-port N --controller-port N [--secured true]}; secured, the
 * client listener is SASL_SSL with SCRAM-SHA-512 and ACLs are enforced ({@link BrokerSecurity}).
 */
public final class BrokerMain {
    public static final String READY_FILE = "broker.ready";
    static final String CONFIG_FILE = "server.properties";
    private static final long SHUTDOWN_LIMIT_MS = 30_000;

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("BrokerMain: " + e.getMessage());
            System.err.println("usage: BrokerMain --data-dir DIR --kafka-port N --controller-port N [--secured true]");
            System.exit(64);
            return;
        }
        Path dataDir = arguments.dataDir();
        Files.deleteIfExists(dataDir.resolve(READY_FILE));
        Properties props = BrokerSettings.properties(dataDir, arguments.kafkaPort(), arguments.controllerPort());
        BrokerSecurity security = arguments.secured() ? BrokerSecurity.prepare(dataDir) : null;
        if (security != null) {
            security.applyTo(props, arguments.kafkaPort(), arguments.controllerPort());
        }
        Path configFile = writeConfig(dataDir, props);
        String clusterId = ClusterIdFile.loadOrCreate(dataDir);
        formatIfNeeded(dataDir, configFile, clusterId, security);

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server, dataDir), "broker-shutdown"));
        watchParent(System.in);
        try {
            server.startup();
        } catch (Throwable t) {
            System.err.println("BrokerMain: the broker failed to start");
            t.printStackTrace();
            System.exit(1);
        }
        Files.writeString(dataDir.resolve(READY_FILE), Long.toString(ProcessHandle.current().pid()));
        System.out.println("BrokerMain: ready, cluster " + clusterId + ", bootstrap 127.0.0.1:" + arguments.kafkaPort());
        server.awaitShutdown();
    }

    private static Path writeConfig(Path dataDir, Properties props) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(CONFIG_FILE);
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "written by BrokerMain on every start; edits are overwritten");
        }
        return file;
    }

    private static void formatIfNeeded(Path dataDir, Path configFile, String clusterId, BrokerSecurity security) {
        if (Files.exists(BrokerSettings.logDir(dataDir).resolve("meta.properties"))) {
            return;
        }
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("format", "--cluster-id", clusterId,
                "--config", configFile.toString(), "--ignore-formatted"));
        if (security != null) {
            // The super user's SCRAM credential must exist before the broker's own SASL_SSL listener serves.
            args.addAll(java.util.List.of("--add-scram", security.scramFormatArgument()));
        }
        int status = StorageTool.execute(args.toArray(String[]::new), System.out);
        if (status != 0) {
            System.err.println("BrokerMain: formatting " + BrokerSettings.logDir(dataDir) + " failed with status " + status);
            System.exit(2);
        }
    }

    /** EOF on stdin means the parent JVM is gone (the kernel closed its end of the pipe). */
    private static void watchParent(InputStream in) {
        Thread watcher = new Thread(() -> {
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // The parent never writes; anything read is ignored.
                }
            } catch (IOException e) {
                System.err.println("BrokerMain: stdin failed (" + e.getMessage() + "), treating as parent gone");
            }
            System.out.println("BrokerMain: stdin closed, the parent is gone; shutting down");
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void shutdown(KafkaRaftServer server, Path dataDir) {
        // A broker stuck in shutdown must not become an orphan: halt after a bounded wait.
        Thread limit = new Thread(() -> {
            try {
                Thread.sleep(SHUTDOWN_LIMIT_MS);
                System.err.println("BrokerMain: shutdown took over " + SHUTDOWN_LIMIT_MS + " ms, halting");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown-limit");
        limit.setDaemon(true);
        limit.start();
        try {
            Files.deleteIfExists(dataDir.resolve(READY_FILE));
        } catch (IOException e) {
            System.err.println("BrokerMain: cannot delete " + READY_FILE + ": " + e.getMessage());
        }
        server.shutdown();
        server.awaitShutdown();
        System.out.println("BrokerMain: stopped");
    }

    record Arguments(Path dataDir, int kafkaPort, int controllerPort, boolean secured) {
        static Arguments parse(String[] args) {
            Path dataDir = null;
            int kafkaPort = -1;
            int controllerPort = -1;
            boolean secured = false;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                String value = args[++i];
                switch (flag) {
                    case "--data-dir" -> dataDir = Path.of(value).toAbsolutePath();
                    case "--kafka-port" -> kafkaPort = port(flag, value);
                    case "--controller-port" -> controllerPort = port(flag, value);
                    case "--secured" -> secured = Boolean.parseBoolean(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (dataDir == null || kafkaPort < 0 || controllerPort < 0) {
                throw new IllegalArgumentException("--data-dir, --kafka-port and --controller-port are required");
            }
            return new Arguments(dataDir, kafkaPort, controllerPort, secured);
        }

        private static int port(String flag, String value) {
            try {
                int port = Integer.parseInt(value);
                if (port < 1 || port > 65_535) {
                    throw new IllegalArgumentException(flag + " must be 1..65535, got " + value);
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be a number, got \"" + value + "\"", e);
            }
        }
    }
}
