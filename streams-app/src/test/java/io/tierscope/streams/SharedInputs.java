package io.tierscope.streams;

import io.tierscope.platform.Platform;
import io.tierscope.topics.GroupOffsets;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The streams app's input topics are fixed names ({@link Topic}), so on the suite's one broker they hold the
 * records of every IT that ran before: other VMs, other clocks (some near the wall clock, some in 1970). A test
 * app that read them from the start would have its task's stream time and "behind" bound set by them: windows of
 * its own VMs closed by another test's clock (differently after a restart, when Kafka Streams fires a stream-time
 * punctuation at once), or its records dead-lettered as days behind. A test that needs its own input alone takes
 * the input topics' end offsets before it produces, and starts its application there.
 */
public final class SharedInputs {
    /** The topics the streams topology reads. */
    public static final List<Topic> TOPICS = List.of(Topic.RAW_SAMPLES, Topic.AD_SCANS);

    private SharedInputs() {
    }

    /** The current end offset of every partition of the input topics (which must exist). */
    public static Map<TopicPartition, Long> endOffsets(Platform platform) throws Exception {
        try (Admin admin = admin(platform)) {
            return GroupOffsets.endOffsets(admin, GroupOffsets.partitions(admin, TOPICS));
        }
    }

    /** Commits {@code offsets} for the application's group before it first starts: it reads from there on. */
    public static void startAt(Platform platform, String applicationId, Map<TopicPartition, Long> offsets) throws Exception {
        try (Admin admin = admin(platform)) {
            GroupOffsets.startAt(admin, applicationId, offsets);
        }
    }

    /**
     * Creates the topics if need be (two partitions each), then starts the application at the input topics' current
     * end: it reads only what the test sends from now on.
     */
    public static void startAtEnd(Platform platform, String applicationId) throws Exception {
        try (Admin admin = admin(platform)) {
            new TopicProvisioner(admin, 2, (short) 1).ensureAll();
            GroupOffsets.startAt(admin, applicationId, GroupOffsets.endOffsets(admin, GroupOffsets.partitions(admin, TOPICS)));
        }
    }

    private static Admin admin(Platform platform) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        return Admin.create(p);
    }
}
