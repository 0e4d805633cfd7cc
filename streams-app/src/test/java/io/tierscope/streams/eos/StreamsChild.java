package io.tierscope.streams.eos;

import io.tierscope.streams.cli.StreamsCommand;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;

/**
 * The real {@code tierscope streams} command in a JVM of its own, for tests that SIGKILL it. Ends when its
 * stdin reaches EOF (the test JVM is gone), so no instance outlives the test.
 */
public final class StreamsChild {
    private StreamsChild() {
    }

    public static void main(String[] args) {
        Thread lifeline = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; EOF means it ended
                }
            } catch (IOException ignored) {
                // a broken pipe means the same
            }
            Runtime.getRuntime().halt(3);
        }, "parent-lifeline");
        lifeline.setDaemon(true);
        lifeline.start();
        awaitBroker(args);
        System.exit(new CommandLine(new StreamsCommand()).execute(args));
    }

    /**
     * Waits (up to a minute) until the broker of {@code --bootstrap-servers} answers. The command's own start-up
     * check allows 5 s, which a fresh JVM's first Kafka client (class loading, on a loaded shared test box) can
     * take by itself; after this warm-up the check measures the broker, not the JVM.
     */
    private static void awaitBroker(String[] args) {
        int i = List.of(args).indexOf("--bootstrap-servers");
        if (i < 0 || i + 1 >= args.length) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[i + 1]))) {
            admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("StreamsChild: the broker did not answer within 60 s (" + e + "); the command will say more");
        }
    }
}
