package io.tierscope.app.bench;

import io.tierscope.app.OutputTail;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When each window's curve and heat summary become readable (committed) on their output topics: one
 * {@link Arrival} per record, from the records' {@code windowEndMs} and the wall clock at which this consumer saw them.
 */
final class OutputLatency implements AutoCloseable {
    /** One window's output: which topic, the window's end (its youngest sample) and when it was readable. */
    record Arrival(Topic topic, long windowStartMs, long windowEndMs, long readableMs) {
        long latencyMs() {
            return readableMs - windowEndMs;
        }
    }

    static final List<Topic> TOPICS = List.of(Topic.MRC_HISTORY, Topic.HEAT_SUMMARY);

    private final OutputTail tail;
    private final List<Arrival> arrivals = new ArrayList<>();

    OutputLatency(ClientSecurity security, String bootstrapServers, String registryUrl) {
        // A short fetch wait: the latency measured is the pipeline's, not this consumer's.
        this.tail = new OutputTail(security, bootstrapServers, registryUrl, () -> { }, Duration.ofMillis(50))
                .follow(Topic.MRC_HISTORY, MissRatioCurve.class, c -> {
                    if (c != null) {
                        arrived(Topic.MRC_HISTORY, c.getWindowStartMs(), c.getWindowEndMs());
                    }
                })
                .follow(Topic.HEAT_SUMMARY, HeatSummary.class, h -> {
                    if (h != null) {
                        arrived(Topic.HEAT_SUMMARY, h.getWindowStartMs(), h.getWindowEndMs());
                    }
                });
    }

    /** Follows the output topics from their end now on. */
    OutputLatency start() {
        tail.start();
        return this;
    }

    private synchronized void arrived(Topic topic, long windowStartMs, long windowEndMs) {
        arrivals.add(new Arrival(topic, windowStartMs, windowEndMs, System.currentTimeMillis()));
    }

    /** Every arrival so far. */
    synchronized List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    @Override
    public void close() throws InterruptedException {
        tail.close();
    }
}
