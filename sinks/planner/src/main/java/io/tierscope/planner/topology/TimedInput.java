package io.tierscope.planner.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** An input as the VM stage keeps it: with its event time, which a replay to a new host sends it with again. */
record TimedInput(long timeMs, HostInput input) {
    static Serde<TimedInput> serde() {
        Serde<HostInput> inner = HostInput.serde();
        return Serdes.serdeFrom((topic, t) -> {
            if (t == null) {
                return null;
            }
            byte[] in = inner.serializer().serialize(topic, t.input());
            return ByteBuffer.allocate(8 + in.length).putLong(t.timeMs()).put(in).array();
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long time = b.getLong();
            byte[] in = new byte[b.remaining()];
            b.get(in);
            return new TimedInput(time, inner.deserializer().deserialize(topic, in));
        });
    }
}
