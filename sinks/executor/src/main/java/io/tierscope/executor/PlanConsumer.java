package io.tierscope.executor;

import io.tierscope.avro.MigrationResult;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.TieringPlan;
import io.tierscope.schemas.serde.SchemaRegistryException;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this host's plans and publishes what executing them did.
 *
 * <p>At-least-once, on purpose: a plan's offset is committed only after its results and
 * placements are acknowledged by the brokers, so a crash in between executes the plan again on
 * restart. That is safe because moving a page to the node it is already on is a no-op that
 * reports the node (move_pages is idempotent), and results carry the plan id for consumers to
 * deduplicate. Exactly-once is not on offer: Kafka transactions cover records, not the pages
 * the kernel moved, so the side effect would still happen twice after a crash.
 *
 * <p>Only the partition the host's key hashes to is read (the producer's default partitioner:
 * murmur2 of the key), so each executor reads its own share of the fleet's plans; records of other
 * hosts on that partition are skipped. Of several plans waiting, only the newest runs (an older
 * plan is superseded), and a plan older than the maximum age is skipped: after an outage the
 * executor does not replay stale moves.
 */
public final class PlanConsumer implements AutoCloseable {
    /** The plan consumer's group is this plus the host name: one group per host (its ACL names it). */
    public static final String GROUP_PREFIX = "tierscope-executor-";

    private static final Logger LOG = LoggerFactory.getLogger(PlanConsumer.class);
    static final String REJECTED_BY = "executor";

    private final String host;
    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final Deserializer<TieringPlan> plans;
    private final Serializer<MigrationResult> results;
    private final Serializer<PagePlacement> placements;
    private final PlanExecutor executor;
    private final Duration maxPlanAge;
    private final LongSupplier clockMs;
    private final ExecuteMeters meters;
    /** Clients and serdes {@link #connect} made, closed with this; empty when the caller owns them. */
    private final List<AutoCloseable> owned = new ArrayList<>();
    private long plansExecuted;

    public PlanConsumer(String host, Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
                        Deserializer<TieringPlan> plans, Serializer<MigrationResult> results,
                        Serializer<PagePlacement> placements, PlanExecutor executor, Duration maxPlanAge, LongSupplier clockMs,
                        ExecuteMeters meters) {
        this.host = host;
        this.consumer = consumer;
        this.producer = producer;
        this.plans = plans;
        this.results = results;
        this.placements = placements;
        this.executor = executor;
        this.maxPlanAge = maxPlanAge;
        this.clockMs = clockMs;
        this.meters = meters;
    }

    /**
     * A consumer of {@code host}'s plans with its own Kafka clients ({@code client}: bootstrap servers and
     * security) and Avro serdes ({@code serde}: the registry settings); closing it closes them.
     */
    public static PlanConsumer connect(String host, Map<String, Object> client, Map<String, Object> serde,
                                       PlanExecutor executor, Duration maxPlanAge, LongSupplier clockMs, ExecuteMeters meters) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(client, host),
                new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(client),
                new StringSerializer(), new ByteArraySerializer());
        SpecificAvroDeserializer<TieringPlan> plans = new SpecificAvroDeserializer<>(TieringPlan.class);
        SpecificAvroSerializer<MigrationResult> results = new SpecificAvroSerializer<>();
        SpecificAvroSerializer<PagePlacement> placements = new SpecificAvroSerializer<>();
        plans.configure(serde, false);
        results.configure(serde, false);
        placements.configure(serde, false);
        PlanConsumer loop = new PlanConsumer(host, consumer, producer, plans, results, placements, executor, maxPlanAge,
                clockMs, meters);
        loop.owned.addAll(List.of(placements, results, plans, producer, consumer));
        return loop;
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
        owned.clear();
    }

    /** {@code client} (bootstrap servers and security) with the plan consumer's settings. */
    public static Map<String, Object> consumerConfig(Map<String, Object> client, String hostName) {
        return with(client, ConsumerConfig.GROUP_ID_CONFIG, GROUP_PREFIX + hostName,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // A plan can take minutes to move at the rate limit; the assignment is manual, so no rebalance waits on it.
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "3600000");
    }

    /** {@code client} (bootstrap servers and security) with the result and placement producer's settings. */
    public static Map<String, Object> producerConfig(Map<String, Object> client) {
        return with(client, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd",
                // Placement records are chunk-sized (32 KiB at the default chunk).
                ProducerConfig.LINGER_MS_CONFIG, "20");
    }

    private static Map<String, Object> with(Map<String, Object> client, Object... keysAndValues) {
        Map<String, Object> config = new java.util.HashMap<>(client);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    /** The partition of the plans topic that records keyed {@code host} go to. */
    public static int partitionOf(String host, int partitions) {
        return Utils.toPositive(Utils.murmur2(host.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Assigns the host's partition; resumes from the group's committed offset (else the earliest). */
    public void assign(Duration timeout) {
        String topic = Topic.TIERING_PLANS.topicName();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: create it (--create-topics) or start the planner");
        }
        TopicPartition tp = new TopicPartition(topic, partitionOf(host, infos.size()));
        consumer.assign(List.of(tp));
        LOG.info("reading plans of host {} from {}", host, tp);
    }

    public long plansExecuted() {
        return plansExecuted;
    }

    /**
     * Polls and executes until {@code stop} says so or {@code maxPlans} plans ran (0 = no limit).
     *
     * @throws IllegalStateException when results cannot be delivered (the plan's offset stays uncommitted)
     */
    public void run(BooleanSupplier stop, long maxPlans) throws InterruptedException {
        while (!stop.getAsBoolean() && (maxPlans <= 0 || plansExecuted < maxPlans)) {
            pollOnce(Duration.ofMillis(500));
        }
    }

    /** One poll: dead-letters bad records, executes the newest fresh plan of this host, then commits. */
    void pollOnce(Duration timeout) throws InterruptedException {
        var records = consumer.poll(timeout);
        if (records.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        TieringPlan newest = null;
        ConsumerRecord<String, byte[]> newestRecord = null;
        int superseded = 0;
        for (ConsumerRecord<String, byte[]> r : records) {
            if (!host.equals(r.key())) {
                continue;
            }
            TieringPlan plan;
            try {
                plan = plans.deserialize(r.topic(), r.value());
            } catch (SchemaRegistryException e) {
                throw e; // the registry is unreachable: not the record's fault; retry after a restart
            } catch (SerializationException e) {
                sent.add(deadLetter(r, "cannot decode TieringPlan: " + e.getMessage()));
                continue;
            }
            if (plan == null || !host.equals(plan.getHost())) {
                sent.add(deadLetter(r, plan == null ? "plan record without a value"
                        : "record key '" + r.key() + "' is not the plan's host '" + plan.getHost() + "'"));
                continue;
            }
            if (newest != null) {
                superseded++;
                meters.planSkipped("superseded");
                LOG.info("plan {} superseded by a newer one before it ran", newest.getPlanId());
            }
            newest = plan;
            newestRecord = r;
        }
        if (newest != null) {
            long age = clockMs.getAsLong() - newestRecord.timestamp();
            if (age > maxPlanAge.toMillis()) {
                LOG.warn("plan {} is {} s old (more than {} s): skipped, the next plan will reflect the present",
                        newest.getPlanId(), age / 1000, maxPlanAge.toSeconds());
                meters.planSkipped("stale");
            } else {
                sent.addAll(publish(executor.execute(newest), newest));
            }
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot deliver the executor's records (the plans stay uncommitted and run"
                        + " again on restart): " + e.getCause(), e.getCause());
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            var part = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
        }
        consumer.commitSync(offsets);
        if (superseded > 0) {
            LOG.info("{} older plan(s) skipped in favour of {}", superseded, newest.getPlanId());
        }
    }

    private List<Future<RecordMetadata>> publish(PlanExecutor.Outcome outcome, TieringPlan plan) {
        plansExecuted++;
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        String resultsTopic = Topic.MIGRATION_RESULTS.topicName();
        String placementTopic = Topic.PLACEMENT.topicName();
        meters.planExecuted(outcome.results());
        long moved = 0;
        long failed = 0;
        for (MigrationResult r : outcome.results()) {
            moved += r.getMovedPages();
            failed += r.getFailedPages();
            if (r.getError() != null) {
                LOG.warn("plan {} VM {}: {}", plan.getPlanId(), r.getVmId(), r.getError());
            }
            sent.add(producer.send(new ProducerRecord<>(resultsTopic, r.getVmId(), results.serialize(resultsTopic, r))));
        }
        for (PagePlacement p : outcome.placements()) {
            sent.add(producer.send(new ProducerRecord<>(placementTopic, p.getVmId() + "#" + p.getChunkIndex(),
                    placements.serialize(placementTopic, p))));
        }
        LOG.info("plan {}: {} VM(s), {} pages {}, {} failed, {} placement chunk(s) published", plan.getPlanId(),
                outcome.results().size(), moved, executor.dryRun() ? "would move (dry run)" : "moved", failed,
                outcome.placements().size());
        return sent;
    }

    private Future<RecordMetadata> deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
        LOG.warn("plan record at {}-{}@{} dead-lettered: {}", r.topic(), r.partition(), r.offset(), reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetter.REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.SOURCE_TOPIC, r.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.SOURCE_PARTITION, Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.SOURCE_OFFSET, Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.REJECTED_BY, REJECTED_BY.getBytes(StandardCharsets.UTF_8));
        return producer.send(new ProducerRecord<>(Topic.DEAD_LETTER.topicName(), null, r.key(), r.value(), headers));
    }
}
