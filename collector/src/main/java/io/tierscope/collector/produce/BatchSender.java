package io.tierscope.collector.produce;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that moves records from the {@link SendBuffer} into the Kafka producer, so
 * that a producer blocked on metadata or memory never stalls a pump. The buffer weight of a
 * record is released only when the broker has answered for it, successfully or finally not.
 */
final class BatchSender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);

    private final SendBuffer buffer;
    private final Producer<String, SpecificRecord> producer;
    private final CollectorMetrics metrics;
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean draining;

    BatchSender(SendBuffer buffer, Producer<String, SpecificRecord> producer, CollectorMetrics metrics) {
        this.buffer = buffer;
        this.producer = producer;
        this.metrics = metrics;
    }

    /** Asks the thread to exit once the buffer has no queued entries left. */
    void drainAndStop() {
        draining = true;
    }

    @Override
    public void run() {
        try {
            while (true) {
                Outgoing next = buffer.poll(50, TimeUnit.MILLISECONDS);
                if (next != null) {
                    send(next);
                } else if (draining) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(Outgoing entry) {
        long sentAt = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(entry.topic(), null, entry.eventTimeMs(), entry.key(), entry.value()),
                    (metadata, error) -> completed(entry, sentAt, metadata, error));
        } catch (RuntimeException e) {
            // Serialization, a closed producer or max.block.ms expiring: the record never left.
            completed(entry, sentAt, null, e);
        }
    }

    private void completed(Outgoing entry, long sentAt, RecordMetadata metadata, Exception error) {
        metrics.recordSendLatency(System.nanoTime() - sentAt);
        if (error == null) {
            metrics.bytesPublished.add(Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize()));
            if (entry.isScan()) {
                metrics.scansPublished.increment();
            } else {
                metrics.samplesPublished.add(entry.sampleCount());
                metrics.batchesPublished.increment();
            }
        } else {
            if (entry.isScan()) {
                metrics.scansFailed.increment();
            } else {
                metrics.samplesFailed.add(entry.sampleCount());
                metrics.batchesFailed.increment();
                // Reported to consumers in the VM's next batch; its batchSeq shows the gap.
                entry.lane().addDropped(entry.sampleCount());
            }
            long n = failures.incrementAndGet();
            if (n == 1 || Long.bitCount(n) == 1) {
                LOG.error("delivery to {} failed for VM {} ({} failures so far): {}",
                        entry.topic(), entry.key(), n, error.toString());
            }
        }
        buffer.release(entry);
    }
}
