package io.tierscope.planner.inventory;

import io.tierscope.avro.HostInventory;
import io.tierscope.avro.VmInventory;
import io.tierscope.cli.ClusterOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tierscope inventory put|show|delete}: the hosts' tiers and VMs, on the compacted inventory topic. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "Maintain the host inventory the planner splits fast memory by (compacted topic, key host).",
        subcommands = {InventoryCommand.Put.class, InventoryCommand.Show.class, InventoryCommand.Delete.class})
public final class InventoryCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: put, show or delete");
    }

    /** Where the inventory topic is, and how to create it when missing: every subcommand takes these. */
    static final class TopicOptions {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the inventory topic if this creates it (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "1", description = "Replication factor if this creates the topic (default: ${DEFAULT-VALUE}).")
        short replicationFactor;

        InventoryTopic topic() throws InterruptedException {
            io.tierscope.cli.OptionRange.atLeast("--partitions", partitions, 1);
            io.tierscope.cli.OptionRange.atLeast("--replication-factor", replicationFactor, 1);
            cluster.requireReachable();
            InventoryTopic topic = new InventoryTopic(cluster.security(), cluster.bootstrapServers(), cluster.schemaRegistryUrl());
            topic.ensureTopic(partitions, replicationFactor);
            return topic;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Write one host's inventory (replaces the previous one).",
                    "File format (properties): host, fast.node, slow.node, fast.pages, budget.pages.per.sec, [page.size], "
                            + "and one line per VM: vm.ID = memory=PAGES[,pid=P][,shares=S][,reservation=PAGES][,limit=PAGES]."})
    static final class Put implements Callable<Integer> {
        @Mixin
        private TopicOptions options;

        @ArgGroup(exclusive = true, multiplicity = "1")
        private Source source;

        static final class Source {
            @Option(names = "--file", paramLabel = "FILE", required = true, description = "Inventory properties file (format above).")
            Path file;

            @ArgGroup(exclusive = false)
            Fields fields;
        }

        static final class Fields {
            @Option(names = "--host", required = true, description = "Host name (the record key).")
            String host;
            @Option(names = "--fast-node", required = true, paramLabel = "N", description = "NUMA node of the fast tier.")
            int fastNode;
            @Option(names = "--slow-node", required = true, paramLabel = "M", description = "NUMA node of the slow tier.")
            int slowNode;
            @Option(names = "--fast-pages", required = true, paramLabel = "P", description = "Fast-tier pages the VMs share.")
            long fastPages;
            @Option(names = "--budget", required = true, paramLabel = "PAGES_PER_S", description = "Most pages per second to migrate (0 = none).")
            long budget;
            @Option(names = "--page-size", defaultValue = "4096", paramLabel = "B", description = "Bytes per page (default: ${DEFAULT-VALUE}).")
            int pageSize;
            @Option(names = "--vm", paramLabel = "ID:memory=..[,pid=..,shares=..,reservation=..,limit=..]",
                    description = "One VM (repeat for each); page counts, shares default 1000, limit 0 = its memory.")
            List<String> vms = new ArrayList<>();
        }

        @Override
        public Integer call() throws Exception {
            long now = System.currentTimeMillis();
            HostInventory inventory;
            if (source.file != null) {
                inventory = InventorySpec.fromFile(source.file, now);
            } else {
                Fields f = source.fields;
                List<VmInventory> vms = new ArrayList<>();
                for (String vm : f.vms) {
                    vms.add(InventorySpec.vmArgument(vm));
                }
                inventory = InventorySpec.build(f.host, f.fastNode, f.slowNode, f.fastPages, f.budget, f.pageSize, vms, now);
            }
            options.topic().put(inventory);
            System.out.println("inventory of " + inventory.getHost() + " written: " + inventory.getVms().size() + " VMs, "
                    + inventory.getFastCapacityPages() + " fast pages");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print every host's inventory, or one host's.")
    static final class Show implements Callable<Integer> {
        @Mixin
        private TopicOptions options;

        @Option(names = "--host", description = "Only this host.")
        String host;

        @Override
        public Integer call() throws Exception {
            Map<String, HostInventory> all = options.topic().readAll(Duration.ofSeconds(30));
            if (host != null) {
                HostInventory one = all.get(host);
                if (one == null) {
                    throw new IllegalStateException("no inventory for host " + host);
                }
                all = Map.of(host, one);
            }
            all.values().forEach(inv -> System.out.print(format(inv)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a host (tombstone): the planner stops planning it.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        private TopicOptions options;

        @Option(names = "--host", required = true, description = "Host to remove.")
        String host;

        @Override
        public Integer call() throws Exception {
            options.topic().delete(host);
            System.out.println("inventory of " + host.trim() + " deleted");
            return 0;
        }
    }

    /** The human-readable form {@code show} prints: one line per host, one per VM. */
    static String format(HostInventory inv) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s  fast node %d: %d pages  slow node %d  budget %d pages/s  page %d B  written %s%n",
                inv.getHost(), inv.getFastNode(), inv.getFastCapacityPages(), inv.getSlowNode(),
                inv.getMigrationBudgetPagesPerSec(), inv.getPageSizeBytes(), Instant.ofEpochMilli(inv.getTimeMs())));
        for (VmInventory vm : inv.getVms()) {
            out.append(String.format("  vm %s  pid %d  memory %d  shares %d  reservation %d  limit %s%n", vm.getVmId(),
                    vm.getPid(), vm.getMemoryPages(), vm.getShares(), vm.getReservationPages(),
                    vm.getLimitPages() == 0 ? "-" : Long.toString(vm.getLimitPages())));
        }
        return out.toString();
    }
}
