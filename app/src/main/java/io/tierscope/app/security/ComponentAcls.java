package io.tierscope.app.security;

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
        List<AclBinding> acls = new ArrayList<>();
        for (Topic topic : STREAMS_INPUTS) {
            acls.add(allow(user, ResourceType.TOPIC, topic.topicName(), PatternType.LITERAL, AclOperation.READ));
        }
        for (Topic topic : STREAMS_OUTPUTS) {
            acls.add(allow(user, ResourceType.TOPIC, topic.topicName(), PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(user, ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED, AclOperation.DESCRIBE));
        acls.add(allow(user, ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED, AclOperation.ALL));
        acls.add(allow(user, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED, AclOperation.WRITE));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED, AclOperation.DESCRIBE));
        return acls;
    }

    /** A reader of the topology's outputs without a consumer group (heat order, query --direct, dashboards' tails). */
    public static List<AclBinding> outputReader(String user) {
        List<AclBinding> acls = new ArrayList<>();
        for (Topic topic : STREAMS_OUTPUTS) {
            acls.add(allow(user, ResourceType.TOPIC, topic.topicName(), PatternType.LITERAL, AclOperation.READ));
        }
        return acls;
    }

    static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }
}
