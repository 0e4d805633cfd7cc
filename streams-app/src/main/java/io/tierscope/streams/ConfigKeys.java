package io.tierscope.streams;

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
        String best = null;
        int bestDistance = Math.max(2, key.length() / 6) + 1;
        for (String candidate : new TreeSet<>(known)) {
            int d = editDistance(key, candidate, bestDistance);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance, or {@code limit} once it reaches it (enough to rank candidates). */
    private static int editDistance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Math.min(previous[b.length()], limit);
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
