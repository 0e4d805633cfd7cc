package io.tierscope.streams.testing;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.avro.ScanSource;
import io.tierscope.platform.Platform;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.topics.EndOfInput;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A deterministic fleet's input for the broker ITs that compare two runs' outputs record for record: each VM
 * ({@code <tag>vm-<i>}) sends one sample batch a second and an A/D scan every 4 s, interleaved in event time, well
 * behind the wall clock and aligned to the window; each VM's last batch and scan carry the {@link EndOfInput} marker
 * so that its last windows close. {@link #produce} may be called in pieces (batches {@code [from, to)}): the
 * generators carry on where the previous piece stopped.
 */
public final class FleetInput {
    public static final int SCAN_PAGES = 4096;

    private final String tag;
    private final int vms;
    private final int batchesPerVm;
    private final int samplesPerBatch;
    private final long t0;
    private final Random[] random;

    /** @param windowMs the window the event times are aligned to */
    public FleetInput(String tag, int vms, int batchesPerVm, int samplesPerBatch, long windowMs) {
        this.tag = tag;
        this.vms = vms;
        this.batchesPerVm = batchesPerVm;
        this.samplesPerBatch = samplesPerBatch;
        // Event time well behind the wall clock (the input bound is 1 h ahead) and aligned to a window.
        this.t0 = (System.currentTimeMillis() - 2 * 3600_000L) / windowMs * windowMs;
        this.random = new Random[vms];
        for (int v = 0; v < vms; v++) {
            random[v] = new Random(1000 + v);
        }
    }

    /** Event time of the first batch. */
    public long t0() {
        return t0;
    }

    public int batchesPerVm() {
        return batchesPerVm;
    }

    /** Produces the whole input. */
    public void produce(Platform platform) {
        produce(platform, 0, batchesPerVm);
    }

    /** Produces every VM's batches {@code [from, to)} (and their scans), in event-time order. */
    public void produce(Platform platform, int from, int to) {
        SpecificAvroSerializer<SpecificRecord> serializer =
                new SpecificAvroSerializer<>(new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000), true);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "4194304");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                long start = t0 + i * 1000L;
                for (int v = 0; v < vms; v++) {
                    String vm = tag + "vm-" + v;
                    SampleBatch batch = batch(vm, i, start, start + 999, random[v]);
                    // Each VM's last batch and last scan end its input: its last windows close too, and are compared.
                    producer.send(new ProducerRecord<>(Topic.RAW_SAMPLES.topicName(), null, start + 999,
                            vm.getBytes(StandardCharsets.UTF_8), serializer.serialize(Topic.RAW_SAMPLES.topicName(), batch),
                            endOfInput(i == batchesPerVm - 1)));
                    if (i % 4 == 3) {
                        AdScan scan = scan(vm, i / 4, start + 999, random[v]);
                        producer.send(new ProducerRecord<>(Topic.AD_SCANS.topicName(), null, start + 999,
                                vm.getBytes(StandardCharsets.UTF_8), serializer.serialize(Topic.AD_SCANS.topicName(), scan),
                                endOfInput(i + 4 >= batchesPerVm)));
                    }
                }
            }
            producer.flush();
        }
    }

    private static RecordHeaders endOfInput(boolean last) {
        RecordHeaders headers = new RecordHeaders();
        if (last) {
            headers.add(EndOfInput.HEADER, new byte[0]);
        }
        return headers;
    }

    /** Samples of a skewed working set: most references go to a VM's hot pages, the rest spread over 64k pages. */
    private SampleBatch batch(String vm, long seq, long startMs, long endMs, Random random) {
        long[] gfns = new long[samplesPerBatch];
        byte[] xwr = new byte[samplesPerBatch];
        long phase = seq / 64 * 512; // the hot set moves every 64 s
        for (int i = 0; i < gfns.length; i++) {
            gfns[i] = random.nextInt(10) < 8 ? phase + random.nextInt(2048) : random.nextInt(65_536);
            xwr[i] = (byte) (random.nextBoolean() ? SampleCodec.READ : SampleCodec.WRITE);
        }
        return SampleBatch.newBuilder().setVmId(vm).setHost("eos-host").setSource(SampleSource.SYNTHETIC).setBatchSeq(seq)
                .setStartTimeMs(startMs).setEndTimeMs(endMs).setSampleCount(gfns.length)
                .setSamples(SampleCodec.encode(gfns, xwr, gfns.length)).build();
    }

    private static AdScan scan(String vm, long seq, long timeMs, Random random) {
        byte[] accessed = new byte[SCAN_PAGES / 8];
        int hot = (int) (seq / 16 % 4); // the hot quarter moves every 16 scans
        for (int i = 0; i < accessed.length; i++) {
            boolean inHot = i / (accessed.length / 4) == hot;
            accessed[i] = (byte) (inHot ? random.nextInt(256) | 0x0f : random.nextInt(32) == 0 ? 1 : 0);
        }
        return AdScan.newBuilder().setVmId(vm).setHost("eos-host").setSource(ScanSource.SYNTHETIC).setScanSeq(seq)
                .setTimeMs(timeMs).setPeriodMs(4000).setBaseGfn(0).setPageCount(SCAN_PAGES)
                .setAccessed(ByteBuffer.wrap(accessed)).build();
    }
}
