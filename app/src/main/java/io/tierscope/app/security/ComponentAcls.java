package io.tierscope.app.security;

import io.tierscope.executor.PlanConsumer;
import io.tierscope.topics.Topic;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Least-privilege ACLs of each Tierscope component on a secured cluster, one method per component
 * (docs/security.md lists the same). Topics are provisioned beforehand by an administrator, so no
 * component needs CREATE on the shared topics; each may DESCRIBE them (the start-up topic check).
 */
public final class ComponentAcls {
    /** What the topology reads. */
    public static final List<Topic> STREAMS_INPUTS = List.of(Topic.RAW_SAMPLES, Topic.AD_SCANS);
    /** What the topology writes. */
    public static final List<Topic> STREAMS_OUTPUTS = List.of(Topic.INGEST_STATS, Topic.MRC_HISTORY, Topic.MRC_LATEST, Topic.MRC_AUDIT,
            Topic.PAGE_HEAT, Topic.HEAT_CHANGES, Topic.HEAT_SUMMARY, Topic.DEAD_LETTER);
    /** What a reader of the results reads (the demo's printer: the audit lines and the executor's results too). */
    public static final List<Topic> READER_TOPICS = List.of(Topic.INGEST_STATS, Topic.MRC_HISTORY, Topic.MRC_LATEST,
            Topic.MRC_AUDIT, Topic.PAGE_HEAT, Topic.HEAT_CHANGES, Topic.HEAT_SUMMARY, Topic.DEAD_LETTER, Topic.ALLOCATIONS,
            Topic.TIERING_PLANS, Topic.MIGRATION_RESULTS);
    /** What the planner reads. */
    public static final List<Topic> PLANNER_INPUTS = List.of(Topic.MRC_LATEST, Topic.PAGE_HEAT, Topic.PLACEMENT, Topic.INVENTORY);
    /** What the planner writes. */
    public static final List<Topic> PLANNER_OUTPUTS = List.of(Topic.ALLOCATIONS, Topic.TIERING_PLANS, Topic.NODE_WORKING_SETS,
            Topic.DEAD_LETTER);
    /** What the query service reads into its stores. */
    public static final List<Topic> QUERY_INPUTS = List.of(Topic.ALLOCATIONS, Topic.HEAT_SUMMARY, Topic.INGEST_STATS,
            Topic.MRC_HISTORY, Topic.MRC_LATEST, Topic.PAGE_HEAT, Topic.TIERING_PLANS);
    /** What an executor writes. */
    public static final List<Topic> EXECUTOR_OUTPUTS = List.of(Topic.MIGRATION_RESULTS, Topic.PLACEMENT, Topic.DEAD_LETTER);
    private static final String TOPIC_PREFIX = "tierscope.";

    private ComponentAcls() {
    }

    /** A collector: writes samples and scans (idempotent producer: WRITE on the topics is enough). */
    public static List<AclBinding> collector(String user) {
        List<AclBinding> acls = new ArrayList<>();
        for (Topic topic : STREAMS_INPUTS) {
            acls.add(allow(user, ResourceType.TOPIC, topic.topicName(), PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(user, ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED, AclOperation.DESCRIBE));
        return acls;
    }

    /**
     * The streams app with application id {@code applicationId}: reads the inputs, writes the outputs,
     * owns its internal topics ({@code <id>-...-changelog/-repartition}), its consumer group and its
     * exactly-once transactional ids (all prefixed by the application id).
     */
    public static List<AclBinding> streams(String user, String applicationId) {
        return kafkaStreamsApp(user, applicationId, STREAMS_INPUTS, STREAMS_OUTPUTS, true);
    }

    /**
     * The planner ({@code plan}, a Kafka Streams app, exactly-once): reads the latest curves, page heat, page placement
     * and the inventory; writes allocations, plans, per-node working sets and dead letters.
     */
    public static List<AclBinding> planner(String user, String applicationId) {
        return kafkaStreamsApp(user, applicationId, PLANNER_INPUTS, PLANNER_OUTPUTS, true);
    }

    /**
     * The query service ({@code serve}, a Kafka Streams app, at-least-once: no transactional ids): reads the outputs
     * it answers from into its own stores; writes no shared topic. For the pipeline lag it shows ({@code --lag-groups}),
     * it may DESCRIBE those groups (their committed offsets) and their internal topics (the end offsets of the
     * repartition topics they read; without it the broker leaves those partitions out, and the lag looks smaller).
     */
    public static List<AclBinding> queryService(String user, String applicationId, List<String> lagGroups) {
        List<AclBinding> acls = kafkaStreamsApp(user, applicationId, QUERY_INPUTS, List.of(), false);
        for (String group : lagGroups) {
            acls.add(allow(user, ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.DESCRIBE));
            acls.add(allow(user, ResourceType.TOPIC, group + "-", PatternType.PREFIXED, AclOperation.DESCRIBE));
        }
        return acls;
    }

    /**
     * The executor of host {@code host} ({@code execute}): reads plans (assigned partitions, offsets committed to its
     * group {@code tierscope-executor-<host>}), writes migration results, page placement and dead letters with an
     * idempotent producer.
     */
    public static List<AclBinding> executor(String user, String host) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(user, ResourceType.TOPIC, Topic.TIERING_PLANS.topicName(), PatternType.LITERAL, AclOperation.READ));
        for (Topic topic : EXECUTOR_OUTPUTS) {
            acls.add(allow(user, ResourceType.TOPIC, topic.topicName(), PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(user, ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED, AclOperation.DESCRIBE));
        acls.add(allow(user, ResourceType.GROUP, PlanConsumer.GROUP_PREFIX + host, PatternType.LITERAL, AclOperation.READ));
        return acls;
    }

    /** A Kafka Streams app: its topics, its internal topics, group and (exactly-once) transactional ids by its id. */
    private static List<AclBinding> kafkaStreamsApp(String user, String applicationId, List<Topic> reads, List<Topic> writes,
                                                    boolean exactlyOnce) {
        List<AclBinding> acls = new ArrayList<>();
        for (Topic topic : reads) {
            acls.add(allow(user, ResourceType.TOPIC, topic.topicName(), PatternType.LITERAL, AclOperation.READ));
        }
        for (Topic topic : writes) {
            acls.add(allow(user, ResourceType.TOPIC, topic.topicName(), PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(user, ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED, AclOperation.DESCRIBE));
        acls.add(allow(user, ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED, AclOperation.ALL));
        acls.add(allow(user, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
        if (exactlyOnce) {
            acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED, AclOperation.WRITE));
            acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED, AclOperation.DESCRIBE));
        }
        return acls;
    }

    /**
     * A reader of the results without a consumer group (heat order, query --direct, the demo's printer): the
     * topology's outputs, the planner's allocations and plans, and the executors' results.
     */
    public static List<AclBinding> outputReader(String user) {
        List<AclBinding> acls = new ArrayList<>();
        for (Topic topic : READER_TOPICS) {
            acls.add(allow(user, ResourceType.TOPIC, topic.topicName(), PatternType.LITERAL, AclOperation.READ));
        }
        return acls;
    }

    static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }
}
