package io.tierscope.platform.testing;

import io.tierscope.platform.Platform;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creating topics for tests; names come from {@link PlatformExtension#uniqueTopic(String)}. */
public final class TestTopics {
    private TestTopics() {
    }

    /** Creates {@code topic} with {@code partitions} partitions (replication 1) and waits for it. */
    public static String create(Platform platform, String topic, int partitions) {
        return create(platform, new NewTopic(topic, partitions, (short) 1));
    }

    public static String create(Platform platform, NewTopic topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()))) {
            admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
            return topic.name();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic.name() + " on " + platform.bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + topic.name(), e);
        }
    }
}
