package io.tierscope.platform;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Test helper run in its own JVM by {@link OrphanProcessIT}: starts an embedded platform, writes
 * one record, prints {@code READY <pids of all descendants>} and then waits to be killed.
 * Usage: {@code PlatformHolderMain DATA_DIR KAFKA_PORT CONTROLLER_PORT TOPIC}
 */
public final class PlatformHolderMain {
    private PlatformHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        PlatformConfig config = PlatformConfig.builder().dataDir(Path.of(args[0]))
                .kafkaPort(Integer.parseInt(args[1])).controllerPort(Integer.parseInt(args[2])).build();
        EmbeddedPlatform platform = EmbeddedPlatform.start(config);
        KafkaTestClients.send(platform.bootstrapServers(), args[3], List.of("written-before-sigkill"));
        String pids = ProcessHandle.current().descendants().map(p -> Long.toString(p.pid()))
                .collect(Collectors.joining(","));
        System.out.println("READY " + pids);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
