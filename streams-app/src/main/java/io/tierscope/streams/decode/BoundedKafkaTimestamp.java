package io.tierscope.streams.decode;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The Kafka timestamp of an input record, as Kafka Streams' stream time sees it, kept sane. Stream
 * time drives the processors' punctuators, and a Kafka timestamp near Long.MAX_VALUE (a broker that
 * accepts far-future timestamps, or a producer bug) made the punctuation schedule overflow and spin
 * for ever on that task; a negative one makes Kafka Streams skip the record without a trace. So a
 * timestamp more than {@link InputBounds#maxAheadMs()} ahead of this instance's clock, or negative,
 * is replaced by the partition's time so far (the record neither moves nor stops the clock) and the
 * record goes on to the decoder, which judges its own event time.
 */
public final class BoundedKafkaTimestamp implements TimestampExtractor {
    private final long maxAheadMs;

    public BoundedKafkaTimestamp(InputBounds bounds) {
        this.maxAheadMs = bounds.maxAheadMs();
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long ts = record.timestamp();
        if (ts >= 0 && ts - System.currentTimeMillis() <= maxAheadMs) {
            return ts;
        }
        return Math.max(0, partitionTime);
    }
}
