package io.tierscope.streams.metrics;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The topology's own counters, kept the Kafka Streams way: custom sensors on the processor context's
 * {@link StreamsMetrics}, so they show up in {@code KafkaStreams#metrics()}, JMX, the Micrometer binder and
 * {@code TopologyTestDriver#metrics()} alike. {@link TopologyMeters} serves them as {@code tierscope_streams_*}.
 *
 * <p>Counters are per stream thread (Kafka Streams tags them with {@code thread-id}) and summed when served.
 */
public final class TopologySensors {
    /** Scope of the custom sensors: their group is {@code stream-tierscope-metrics}, their entity tag {@code tierscope-id}. */
    static final String SCOPE = "tierscope";
    static final String GROUP = "stream-" + SCOPE + "-metrics";
    static final String ENTITY_TAG = SCOPE + "-id";
    static final String DEAD_LETTERS = "dead-letters";
    static final String WINDOWS_CLOSED = "windows-closed";
    static final String LATE_BATCHES = "late-batches";
    /** Group of the per-VM event lag gauges (one Value metric per VM and thread). */
    static final String VM_GROUP = "stream-tierscope-vm-metrics";
    static final String VM_EVENT_LAG = "event-lag-ms";
    static final String VM_TAG = "vm";
    static final String THREAD_TAG = "thread-id";

    /** What a windowed processor closes windows of; the {@code output} label of the window counters. */
    public enum Output {
        MRC("mrc"), HEAT("heat"), INGEST("ingest");

        final String label;

        Output(String label) {
            this.label = label;
        }
    }

    private TopologySensors() {
    }

    /** Counts records sent to the dead-letter topic for {@code reason}. */
    public static Sensor deadLetters(StreamsMetrics metrics, DeadLetterReason reason) {
        return metrics.addRateTotalSensor(SCOPE, reason.label(), DEAD_LETTERS, Sensor.RecordingLevel.INFO);
    }

    /** Counts windows a processor closed and published. */
    public static Sensor windowsClosed(StreamsMetrics metrics, Output output) {
        return metrics.addRateTotalSensor(SCOPE, output.label, WINDOWS_CLOSED, Sensor.RecordingLevel.INFO);
    }

    /** Counts batches that arrived for a window already closed (they are counted into the next one). */
    public static Sensor lateBatches(StreamsMetrics metrics, Output output) {
        return metrics.addRateTotalSensor(SCOPE, output.label, LATE_BATCHES, Sensor.RecordingLevel.INFO);
    }

    /**
     * How far (ms) the VM's newest processed batch lies behind the wall clock: a VM whose collector is
     * live but whose batches reach the topology late shows here first. Remove it with
     * {@link StreamsMetrics#removeSensor(Sensor)} when the processor forgets the VM or closes.
     */
    public static Sensor vmEventLag(StreamsMetrics metrics, String vm) {
        String thread = Thread.currentThread().getName();
        Sensor sensor = metrics.addSensor("tierscope.vm-event-lag." + thread + "." + vm, Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(VM_EVENT_LAG, VM_GROUP,
                "Wall clock minus the event time of the VM's newest processed sample batch",
                Map.of(VM_TAG, vm, THREAD_TAG, thread)), new Value());
        return sensor;
    }
}
