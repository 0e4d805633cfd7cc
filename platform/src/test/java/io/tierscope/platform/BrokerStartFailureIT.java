package io.tierscope.platform;

import io.tierscope.platform.kafka.BrokerProcess;
import io.tierscope.platform.kafka.ClusterIdFile;
import io.tierscope.platform.process.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broker that cannot start says why, from the tail of broker.log, instead of timing out. */
class BrokerStartFailureIT {

    @Test
    void corruptClusterIdIsReportedFromTheBrokerLog(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(ClusterIdFile.FILE_NAME), "garbage");
        int[] ports = FreePorts.pick(2);
        PlatformStartException e = assertThrows(PlatformStartException.class, () ->
                BrokerProcess.start(dir, ports[0], ports[1], Duration.ofMinutes(1)).close());
        assertTrue(e.getMessage().contains("exited with code") && e.getMessage().contains("does not hold a Kafka cluster id")
                && e.getMessage().contains(BrokerProcess.LOG_FILE), e.getMessage());
    }
}
