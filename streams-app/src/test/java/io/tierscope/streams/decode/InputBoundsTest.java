package io.tierscope.streams.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.streams.StreamsAppConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class InputBoundsTest {
    private static final long NOW = 1_780_000_000_000L;
    private final InputBounds bounds = InputBounds.defaults();

    @Test
    void aheadIsMeasuredAgainstTheWallClock() {
        assertNull(bounds.problemWith(NOW + 3_600_000, NOW, Long.MIN_VALUE));
        String problem = bounds.problemWith(NOW + 3_600_001, NOW, Long.MIN_VALUE);
        assertTrue(problem.contains("3600001 ms ahead of the wall clock"), problem);
        assertTrue(problem.contains(StreamsAppConfig.INPUT_MAX_AHEAD_MS), problem);
        assertTrue(bounds.problemWith(Long.MAX_VALUE, NOW, NOW).contains("ahead"));
    }

    @Test
    void behindIsMeasuredAgainstTheTasksNewestEventTimeSoOldTracesReplay() {
        long lastWeek = NOW - 8 * 86_400_000L;
        assertNull(bounds.problemWith(lastWeek, NOW, Long.MIN_VALUE), "a replay of an old trace starts anywhere");
        assertNull(bounds.problemWith(lastWeek, NOW, lastWeek + 86_400_000L), "and goes on a day later");
        String problem = bounds.problemWith(lastWeek, NOW, lastWeek + 7 * 86_400_000L + 1);
        assertTrue(problem.contains("behind this task's newest"), problem);
        assertNull(new InputBounds(3_600_000, 0).problemWith(0, NOW, NOW), "0 = no bound behind");
    }

    @Test
    void configKeysSetTheBoundsAndRejectNonsense() {
        StreamsAppConfig config = StreamsAppConfig.from(Map.of(StreamsAppConfig.INPUT_MAX_AHEAD_MS, "60000",
                StreamsAppConfig.INPUT_MAX_BEHIND_MS, "0"));
        assertEquals(new InputBounds(60_000, 0), config.input());
        assertEquals(InputBounds.defaults(), StreamsAppConfig.from(Map.of()).input());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamsAppConfig.from(Map.of(StreamsAppConfig.INPUT_MAX_BEHIND_MS, "-1")));
        assertTrue(e.getMessage().contains(StreamsAppConfig.INPUT_MAX_BEHIND_MS), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StreamsAppConfig.from(Map.of(StreamsAppConfig.INPUT_MAX_AHEAD_MS, "0")));
    }

    @Test
    void kafkaTimestampsFarAheadOrNegativeDoNotMoveStreamTime() {
        BoundedKafkaTimestamp extractor = new BoundedKafkaTimestamp(bounds);
        long now = System.currentTimeMillis();
        assertEquals(now - 5, extractor.extract(record(now - 5), 100));
        assertEquals(12_345, extractor.extract(record(Long.MAX_VALUE - 3), 12_345));
        assertEquals(12_345, extractor.extract(record(now + 2 * 3_600_000), 12_345));
        assertEquals(12_345, extractor.extract(record(-7), 12_345));
        assertEquals(0, extractor.extract(record(-7), -1), "no partition time yet");
    }

    private static ConsumerRecord<Object, Object> record(long timestamp) {
        return new ConsumerRecord<>("t", 0, 0, timestamp, TimestampType.CREATE_TIME, 0, 0, null, null,
                new RecordHeaders(), java.util.Optional.empty());
    }
}
