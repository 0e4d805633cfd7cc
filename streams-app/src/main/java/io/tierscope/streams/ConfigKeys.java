package io.tierscope.streams;

import io.tierscope.cli.NearestKey;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The keys a Kafka Streams command's {@code --config} file may hold: the command's own
 * {@code tierscope.*} keys, and Kafka's (Kafka Streams', its clients' bare or under their
 * prefixes, topic settings under {@code topic.}). Anything else is refused with the nearest known
 * key, so a typo fails at start instead of being silently ignored.
 */
public final class ConfigKeys {
    private static final String OWN_PREFIX = "tierscope.";
    private static final Set<String> KAFKA = kafkaKeys();

    private ConfigKeys() {
    }

    /**
     * @param ownKeys the command's own {@code tierscope.*} keys
     * @param where   what holds {@code keys}, for the message (e.g. "--config FILE")
     * @throws IllegalArgumentException one line: "unknown key K in WHERE; did you mean KNOWN?"
     */
    public static void requireKnown(Collection<String> keys, Collection<String> ownKeys, String where) {
        for (String key : new TreeSet<>(keys)) {
            boolean own = key.startsWith(OWN_PREFIX);
            if (own ? ownKeys.contains(key) : KAFKA.contains(key)) {
                continue;
            }
            Optional<String> near = nearest(key, own ? ownKeys : KAFKA);
            throw new IllegalArgumentException("unknown key " + key + " in " + where
                    + near.map(k -> "; did you mean " + k + "?").orElse(own ? "" : " (not a Kafka Streams, client or topic setting)"));
        }
    }

    /** The keys that are Kafka's (not {@code tierscope.*}), for Kafka Streams. */
    public static Map<String, String> kafkaOverrides(Map<String, String> props) {
        Map<String, String> out = new HashMap<>();
        props.forEach((k, v) -> {
            if (!k.startsWith(OWN_PREFIX)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The known key closest to {@code key} by edit distance, if close enough to be a typo of it. */
    static Optional<String> nearest(String key, Collection<String> known) {
        return NearestKey.of(key, known);
    }

    private static Set<String> kafkaKeys() {
        Set<String> keys = new TreeSet<>(StreamsConfig.configDef().names());
        Set<String> consumer = ConsumerConfig.configNames();
        Set<String> producer = ProducerConfig.configNames();
        Set<String> admin = AdminClientConfig.configNames();
        keys.addAll(consumer);
        keys.addAll(producer);
        keys.addAll(admin);
        for (String prefix : new String[] {StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX,
                StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX}) {
            consumer.forEach(k -> keys.add(prefix + k));
        }
        producer.forEach(k -> keys.add(StreamsConfig.PRODUCER_PREFIX + k));
        admin.forEach(k -> keys.add(StreamsConfig.ADMIN_CLIENT_PREFIX + k));
        for (Field f : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
                try {
                    keys.add(StreamsConfig.TOPIC_PREFIX + f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }
}
