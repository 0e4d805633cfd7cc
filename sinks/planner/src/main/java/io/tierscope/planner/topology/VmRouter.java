package io.tierscope.planner.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The VM stage (records keyed by vmId): sends each VM's inputs on to the host the inventory puts
 * it on. It keeps the newest input per key, so that when a VM first appears in an inventory, or
 * moves to another host, the new host gets everything at once: heat chunks are republished only
 * when they change, so waiting for new ones would leave a steady VM unknown to its new host.
 * Inputs of a VM no inventory names yet wait here. A replayed input keeps its own event time, so
 * it never moves the host's planning period.
 */
final class VmRouter implements Processor<String, HostInput, String, HostInput> {
    static final String HOMES_STORE = "planner-vm-homes";
    static final String INPUTS_STORE = "planner-vm-inputs";

    private ProcessorContext<String, HostInput> context;
    private KeyValueStore<String, String> homes;
    private KeyValueStore<String, TimedInput> inputs;

    @Override
    public void init(ProcessorContext<String, HostInput> context) {
        this.context = context;
        this.homes = context.getStateStore(HOMES_STORE);
        this.inputs = context.getStateStore(INPUTS_STORE);
    }

    @Override
    public void process(Record<String, HostInput> record) {
        HostInput in = record.value();
        if (in == null || record.key() == null) {
            return;
        }
        String vmId = record.key();
        if (in.kind() == HostInput.Kind.HOME) {
            String host = in.homeHost();
            if (!host.equals(homes.get(vmId))) {
                homes.put(vmId, host);
                try (KeyValueIterator<String, TimedInput> it = inputs.prefixScan(StoreKeys.prefix(vmId), new StringSerializer())) {
                    while (it.hasNext()) {
                        TimedInput kept = it.next().value;
                        context.forward(record.withKey(host).withValue(kept.input()).withTimestamp(kept.timeMs()));
                    }
                }
            }
            return;
        }
        String key = StoreKeys.vmInput(in);
        if (in.tombstone()) {
            inputs.delete(key);
        } else {
            inputs.put(key, new TimedInput(record.timestamp(), in));
        }
        String host = homes.get(vmId);
        if (host != null) {
            context.forward(record.withKey(host));
        }
    }
}
