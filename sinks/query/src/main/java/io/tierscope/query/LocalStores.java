package io.tierscope.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Interactive queries (IQv2) against this instance's active stores. Every way a store can be
 * unavailable (not started, restoring, rebalancing, partition moved away) becomes a
 * {@link StoreUnavailableException}; an {@link InvalidStateStoreException} never escapes.
 */
public final class LocalStores {
    private final KafkaStreams streams;

    public LocalStores(KafkaStreams streams) {
        this.streams = streams;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Where a key of a store lives: the active owner and its partition. */
    public KeyQueryMetadata ownerOf(String store, String key) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw new StoreUnavailableException("the query service is starting (" + streams.state() + ")", e);
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
                || HostInfo.unavailable().equals(metadata.activeHost())) {
            throw new StoreUnavailableException("the owner of '" + key + "' in " + store + " is not known yet ("
                    + streams.state() + ")");
        }
        return metadata;
    }

    /** The value of {@code key} in the given local partition, if any. */
    public <V> Optional<V> get(String store, String key, int partition) {
        QueryResult<V> result = only(run(StateQueryRequest.inStore(store).withQuery(KeyQuery.<String, V>withKey(key))
                .withPartitions(Set.of(partition)).requireActive(), store), partition, store);
        return Optional.ofNullable(result.getResult());
    }

    /** Entries whose keys lie in [from, to] (inclusive) in one local partition, in key order. */
    public <V> List<KeyValue<String, V>> range(String store, String from, String to, int partition) {
        QueryResult<KeyValueIterator<String, V>> result = only(run(StateQueryRequest.inStore(store)
                .withQuery(RangeQuery.<String, V>withRange(from, to)).withPartitions(Set.of(partition)).requireActive(),
                store), partition, store);
        return drain(result.getResult());
    }

    /** Every entry of every active local partition of the store. */
    public <V> List<KeyValue<String, V>> all(String store) {
        StateQueryResult<KeyValueIterator<String, V>> results = run(StateQueryRequest.inStore(store)
                .withQuery(RangeQuery.<String, V>withNoBounds()).requireActive(), store);
        List<KeyValue<String, V>> out = new ArrayList<>();
        for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, V>>> e : results.getPartitionResults().entrySet()) {
            out.addAll(drain(checked(e.getValue(), e.getKey(), store).getResult()));
        }
        return out;
    }

    /** The key's entries in a window store with window start in [from, to], oldest first: (window start, value). */
    public <V> List<KeyValue<Long, V>> window(String store, String key, Instant from, Instant to, int partition) {
        QueryResult<WindowStoreIterator<V>> result = only(run(StateQueryRequest.inStore(store)
                .withQuery(WindowKeyQuery.<String, V>withKeyAndWindowStartRange(key, from, to))
                .withPartitions(Set.of(partition)).requireActive(), store), partition, store);
        List<KeyValue<Long, V>> out = new ArrayList<>();
        try (WindowStoreIterator<V> it = result.getResult()) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    private <R> StateQueryResult<R> run(StateQueryRequest<R> request, String store) {
        try {
            return streams.query(request);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw new StoreUnavailableException("store " + store + " is not queryable now (" + streams.state() + "): "
                    + e.getMessage(), e);
        } catch (StreamsException e) {
            if (e.getCause() instanceof InvalidStateStoreException) {
                throw new StoreUnavailableException("store " + store + " is not queryable now: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static <R> QueryResult<R> only(StateQueryResult<R> results, int partition, String store) {
        QueryResult<R> result = results.getPartitionResults().get(partition);
        if (result == null) {
            throw new StoreUnavailableException("partition " + partition + " of " + store + " is not on this instance now");
        }
        return checked(result, partition, store);
    }

    private static <R> QueryResult<R> checked(QueryResult<R> result, int partition, String store) {
        if (result.isSuccess()) {
            return result;
        }
        FailureReason reason = result.getFailureReason();
        String what = store + " partition " + partition + ": " + reason + " " + result.getFailureMessage();
        switch (reason) {
            case NOT_ACTIVE, NOT_UP_TO_BOUND, NOT_PRESENT, DOES_NOT_EXIST ->
                    throw new StoreUnavailableException("store not available now (restoring or rebalancing): " + what);
            default -> throw new IllegalStateException("interactive query failed: " + what);
        }
    }

    private static <K, V> List<KeyValue<K, V>> drain(KeyValueIterator<K, V> it) {
        List<KeyValue<K, V>> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

}
