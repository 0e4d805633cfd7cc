package io.tierscope.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates Tierscope's topics that are missing; leaves existing ones as they are. */
public final class TopicProvisioner {
    private final Admin admin;
    private final int partitions;
    private final short replicationFactor;

    /**
     * @param partitions        partitions of every topic (the unit of scale-out: one VM lives on one partition)
     * @param replicationFactor 1 on a single broker, 3 on a production cluster
     */
    public TopicProvisioner(Admin admin, int partitions, short replicationFactor) {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replication factor must be >= 1, got "
                    + partitions + " and " + replicationFactor);
        }
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** Creates whichever of {@code topics} do not exist yet; returns the names it created. */
    public List<String> ensure(Collection<Topic> topics) throws InterruptedException {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause(), e.getCause());
        }
        List<NewTopic> missing = new ArrayList<>();
        for (Topic topic : topics) {
            if (!existing.contains(topic.topicName())) {
                missing.add(new NewTopic(topic.topicName(), partitions, replicationFactor).configs(topic.configs()));
            }
        }
        List<String> created = new ArrayList<>();
        for (var entry : admin.createTopics(missing).values().entrySet()) {
            try {
                entry.getValue().get();
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // another instance won the race: fine
                    throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause(), e.getCause());
                }
            }
        }
        return created;
    }

    /** Creates every missing Tierscope topic. */
    public List<String> ensureAll() throws InterruptedException {
        return ensure(List.of(Topic.values()));
    }
}
