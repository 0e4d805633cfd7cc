package io.tierscope.streams.heat;

import io.tierscope.streams.state.SnapshotOnCommitStore;
import io.tierscope.streams.window.VmWindow;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The heat processors' state stores: names and builders, in one place for both processors. */
public final class HeatStores {
    /** Per (VM, chunk): {@link StoredChunk}, shared by the scan- and the sample-driven processor. */
    public static final String CHUNKS = "heat-chunks";
    /** Per VM: its {@link VmWindow}. */
    public static final String VMS = "heat-vms";
    /**
     * Only when samples drive heat: each VM's open sampling period, held live and stored once per commit
     * ({@link SnapshotOnCommitStore}, {@link SamplePeriodCodec}).
     */
    public static final String SAMPLE_PERIODS = "heat-sample-periods";
    /**
     * Open periods a task holds live (least recently used ones beyond are written and dropped). What they hold is
     * bounded by the input of about one sampling period, whatever the count; the count bounds the per-VM overhead.
     */
    static final int LIVE_SAMPLE_PERIODS = 10_000;

    private HeatStores() {
    }

    /** The stores both heat processors use. */
    static Set<StoreBuilder<?>> shared(HeatConfig config) {
        Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHUNKS), Serdes.String(),
                StoredChunk.serde(config.gapPolicy())));
        stores.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VMS), Serdes.String(), VmWindow.serde()));
        return stores;
    }

    /** {@link #shared} and the open sampling periods. */
    static Set<StoreBuilder<?>> withSamplePeriods(HeatConfig config) {
        Set<StoreBuilder<?>> stores = shared(config);
        // No record cache under the live periods: it would only copy each snapshot once more before the changelog.
        stores.add(SnapshotOnCommitStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SAMPLE_PERIODS),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled(), new SamplePeriodCodec(config.chunkPages()),
                LIVE_SAMPLE_PERIODS));
        return stores;
    }
}
