package io.tierscope.topics;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.HeatChange;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.HostInventory;
import io.tierscope.avro.IngestStats;
import io.tierscope.avro.MigrationResult;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcAudit;
import io.tierscope.avro.NodeWorkingSets;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.TieringPlan;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic Tierscope reads or writes: the one place for names, value types,
 * partition counts and topic configs. Keys are strings (see each constant).
 */
public enum Topic {
    /** Key vmId; a batch of page-access samples. */
    RAW_SAMPLES("tierscope.samples.raw", SampleBatch.class, Cleanup.DELETE),
    /** Key vmId; one A/D-bit scan of one gfn range. */
    AD_SCANS("tierscope.scans.ad", AdScan.class, Cleanup.DELETE),
    /** Key vmId; what arrived per VM per window. */
    INGEST_STATS("tierscope.ingest.stats", IngestStats.class, Cleanup.DELETE),
    /** Key vmId; one miss-ratio curve per window and kind. */
    MRC_HISTORY("tierscope.mrc.history", MissRatioCurve.class, Cleanup.DELETE),
    /** Key vmId; the newest curve of each VM. */
    MRC_LATEST("tierscope.mrc.latest", MissRatioCurve.class, Cleanup.COMPACT),
    /** Key vmId; per closed window of an audited VM, its sampled curves' errors against an exact engine's. */
    MRC_AUDIT("tierscope.mrc.audit", MrcAudit.class, Cleanup.DELETE),
    /** Key "vmId#chunkIndex"; current heat states of one chunk. */
    PAGE_HEAT("tierscope.heat.pages", PageHeatChunk.class, Cleanup.COMPACT),
    /** Key vmId; pages that became hot or went cold. */
    HEAT_CHANGES("tierscope.heat.changes", HeatChange.class, Cleanup.DELETE),
    /** Key vmId; heat summary per window. */
    HEAT_SUMMARY("tierscope.heat.summary", HeatSummary.class, Cleanup.DELETE),
    /** Key host; the host's tiers and VMs (shares, reservation, limit, process). */
    INVENTORY("tierscope.inventory", HostInventory.class, Cleanup.COMPACT),
    /** Key "vmId#chunkIndex"; the NUMA node of each page, read by the executor. */
    PLACEMENT("tierscope.placement", PagePlacement.class, Cleanup.COMPACT),
    /** Key host; the newest split of the host's fast tier across its VMs. */
    ALLOCATIONS("tierscope.tiering.allocations", HostAllocation.class, Cleanup.COMPACT),
    /** Key host; one plan of page moves per host and planning period. */
    TIERING_PLANS("tierscope.tiering.plans", TieringPlan.class, Cleanup.DELETE),
    /** Key vmId; the VM's hot pages per NUMA node and whether it should move (US 9,223,722 FIG. 8), once per plan. */
    NODE_WORKING_SETS("tierscope.tiering.node.working.sets", NodeWorkingSets.class, Cleanup.COMPACT),
    /** Key vmId; outcome of executing a plan. */
    MIGRATION_RESULTS("tierscope.migration.results", MigrationResult.class, Cleanup.DELETE),
    /** Original key and value bytes of rejected input; the reason is in the headers (see {@link DeadLetter}). */
    DEAD_LETTER("tierscope.deadletter", null, Cleanup.DELETE);

    enum Cleanup { DELETE, COMPACT }

    private final String name;
    private final Class<? extends SpecificRecord> valueType;
    private final Cleanup cleanup;

    Topic(String name, Class<? extends SpecificRecord> valueType, Cleanup cleanup) {
        this.name = name;
        this.valueType = valueType;
        this.cleanup = cleanup;
    }

    /** The topic's name on the broker. */
    public String topicName() {
        return name;
    }

    /** The Avro type of the record values, or null for the dead-letter topic (raw bytes). */
    public Class<? extends SpecificRecord> valueType() {
        return valueType;
    }

    public boolean compacted() {
        return cleanup == Cleanup.COMPACT;
    }

    /** Topic-level configs to create the topic with. */
    public Map<String, String> configs() {
        return compacted()
                ? Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0", "segment.ms", "600000")
                : Map.of("cleanup.policy", "delete");
    }

    /** The registry subject of the value schema (TopicNameStrategy). */
    public String valueSubject() {
        return name + "-value";
    }
}
