package io.tierscope.streams.errors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** A processor that throws on one record: the record is dead-lettered with the exception, the others flow on. */
class DeadLetterProcessingExceptionHandlerTest {

    /** Forwards every value but "bad", on which it throws. */
    static final class Thrower implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, String> record) {
            if (record.value().equals("bad")) {
                throw new IllegalStateException("boom on " + record.key());
            }
            context.forward(record);
        }
    }

    @Test
    void aThrowingRecordIsDeadLetteredWithTheExceptionAndTheTaskGoesOn() {
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "input");
        topology.addProcessor("thrower", Thrower::new, "in");
        topology.addSink("out", "output", new StringSerializer(), new StringSerializer(), "thrower");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "handler-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class.getName());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("input", new StringSerializer(), new StringSerializer());
            TestOutputTopic<String, String> out = driver.createOutputTopic("output", new StringDeserializer(), new StringDeserializer());
            TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(Topic.DEAD_LETTER.topicName(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            in.pipeInput("vm-1", "good", 1_000);
            in.pipeInput("vm-2", "bad", 2_000);
            in.pipeInput("vm-3", "good again", 3_000);

            assertEquals(List.of("good", "good again"), out.readValuesToList());
            List<TestRecord<byte[], byte[]>> letters = dead.readRecordsToList();
            assertEquals(1, letters.size());
            TestRecord<byte[], byte[]> letter = letters.get(0);
            assertArrayEquals("vm-2".getBytes(StandardCharsets.UTF_8), letter.key());
            assertArrayEquals("bad".getBytes(StandardCharsets.UTF_8), letter.value());
            assertEquals("processing failed in thrower: IllegalStateException: boom on vm-2", header(letter, DeadLetter.REASON));
            assertEquals("streams-app/thrower", header(letter, DeadLetter.REJECTED_BY));
            assertEquals("input", header(letter, DeadLetter.SOURCE_TOPIC));
            assertEquals("1", header(letter, DeadLetter.SOURCE_OFFSET));
            assertEquals("2000", header(letter, DeadLetter.SOURCE_TIMESTAMP));
            assertTrue(letter.timestamp() > 2_000, "stamped when rejected, not with the source timestamp");
        }
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
