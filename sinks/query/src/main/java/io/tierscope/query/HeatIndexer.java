package io.tierscope.query;

import io.tierscope.avro.PageHeatChunk;
import io.tierscope.streams.heat.ChunkKeys;
import io.tierscope.streams.heat.query.PageHeatReader;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each VM's newest chunk records (a tombstone removes the chunk) and files every record's
 * intensity profile under its VM at the record's scan time, for the address x time heat map.
 */
final class HeatIndexer implements Processor<String, PageHeatChunk, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(HeatIndexer.class);
    private KeyValueStore<String, PageHeatChunk> chunks;
    private WindowStore<String, byte[]> timeline;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        chunks = context.getStateStore(QueryTopology.HEAT_CHUNKS);
        timeline = context.getStateStore(QueryTopology.HEAT_TIMELINE);
    }

    @Override
    public void process(Record<String, PageHeatChunk> record) {
        String vm = QueryTopology.vmOfChunkKey(record.key());
        long chunkIndex;
        try {
            chunkIndex = Long.parseLong(record.key().substring(vm.length() + 1));
        } catch (NumberFormatException e) {
            LOG.warn("skipping page heat record with key '{}': the chunk index is not a number", record.key());
            return;
        }
        if (record.value() == null) {
            chunks.delete(ChunkKeys.storeKey(vm, chunkIndex));
            return;
        }
        byte[] profile;
        try {
            profile = HeatProfile.of(PageHeatReader.toChunkHeat(record.value()));
        } catch (IllegalArgumentException e) {
            LOG.warn("skipping page heat record {}: {}", record.key(), e.getMessage());
            return;
        }
        chunks.put(ChunkKeys.storeKey(vm, chunkIndex), record.value());
        timeline.put(vm, profile, record.value().getTimeMs());
    }
}
