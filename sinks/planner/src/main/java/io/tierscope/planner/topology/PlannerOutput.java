package io.tierscope.planner.topology;

import io.tierscope.topics.Topic;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record the host stage publishes: to {@code topic}, an Avro value (null = tombstone), or for
 * the dead-letter topic the rejected input's original bytes.
 */
record PlannerOutput(Topic topic, SpecificRecord value, byte[] rejectedBytes) {
    static PlannerOutput of(Topic topic, SpecificRecord value) {
        return new PlannerOutput(topic, value, null);
    }

    static PlannerOutput rejected(byte[] original) {
        return new PlannerOutput(Topic.DEAD_LETTER, null, original);
    }
}
