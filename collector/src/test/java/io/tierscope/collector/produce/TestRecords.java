package io.tierscope.collector.produce;

import io.tierscope.avro.SampleBatch;
import io.tierscope.schemas.SampleCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Helpers shared by the producer-side unit tests. */
final class TestRecords {
    private TestRecords() {
    }

    /** Plain Avro binary, enough for MockProducer to size records (no registry involved). */
    static final class AvroBinarySerializer implements Serializer<SpecificRecord> {
        @Override
        public byte[] serialize(String topic, SpecificRecord data) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                new SpecificDatumWriter<SpecificRecord>(data.getSchema()).write(data, enc);
                enc.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    static MockProducer<String, SpecificRecord> mockProducer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(), new AvroBinarySerializer());
    }

    static CollectorSettings.Builder settings() {
        return CollectorSettings.builder().host("test-host").bootstrapServers("unused:9092")
                .schemaRegistryUrl("http://unused").metricsIntervalMs(0);
    }

    /** The packed samples of a batch, in order. */
    static long[] packed(SampleBatch batch) {
        ByteBuffer view = SampleCodec.view(batch.getSamples(), batch.getSampleCount());
        long[] out = new long[batch.getSampleCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = view.getLong();
        }
        return out;
    }

    static List<SampleBatch> batchesOf(MockProducer<String, SpecificRecord> producer, String vmId) {
        List<SampleBatch> out = new ArrayList<>();
        producer.history().forEach(r -> {
            if (r.value() instanceof SampleBatch b && b.getVmId().equals(vmId)) {
                if (!r.key().equals(vmId)) {
                    throw new AssertionError("record key " + r.key() + " is not the VM id " + vmId);
                }
                out.add(b);
            }
        });
        return out;
    }
}
