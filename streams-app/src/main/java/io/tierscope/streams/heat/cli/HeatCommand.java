package io.tierscope.streams.heat.cli;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatOrder;
import io.tierscope.cli.ClusterOptions;
import io.tierscope.cli.OptionRange;
import io.tierscope.streams.heat.query.PageHeatReader;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tierscope heat}: questions answered from the published page heat. */
@Command(name = "heat", mixinStandardHelpOptions = true,
        description = "Page heat of a VM, read from the compacted page-heat topic.",
        subcommands = HeatCommand.Order.class)
public final class HeatCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (order)");
    }

    /**
     * {@code tierscope heat order}: a VM's pages coldest first (live-migration pre-copy: pages that
     * will not be touched again go first, so fewer are resent) or hottest first (checkpoint resume:
     * fault the working set in first), as US 9,063,866 B1 uses them. One gfn per line on stdout.
     */
    @Command(name = "order", mixinStandardHelpOptions = true,
            description = {"Print a VM's pages coldest or hottest first.",
                    "One gfn per line, coldest first (live-migration pre-copy) or hottest first (checkpoint resume), "
                            + "from its newest published heat states."})
    static final class Order implements Callable<Integer> {
        @Mixin
        private ClusterOptions cluster;

        @Option(names = "--vm", required = true, description = "The VM's id.")
        private String vmId;

        @ArgGroup(exclusive = true, multiplicity = "1")
        private Direction direction;

        @Option(names = "--limit", defaultValue = "100", paramLabel = "N",
                description = "At most this many pages; 0 = all (default: ${DEFAULT-VALUE}).")
        private int limit;

        @Option(names = "--bit", defaultValue = "accessed", paramLabel = "accessed|dirty",
                description = "Order by A-bit heat (reads and writes) or D-bit heat (writes) (default: ${DEFAULT-VALUE}).")
        private String bit;

        @Option(names = "--timeout-seconds", defaultValue = "30", paramLabel = "S",
                description = "Give up reading the topic after this many seconds, >= 1 (default: ${DEFAULT-VALUE}).")
        private long timeoutSeconds;

        @Spec
        private CommandSpec spec;

        static final class Direction {
            @Option(names = "--coldest", required = true, description = "Coldest first.")
            boolean coldest;

            @Option(names = "--hottest", required = true, description = "Hottest first.")
            boolean hottest;
        }

        @Override
        public Integer call() {
            OptionRange.atLeast("--limit", limit, 0);
            OptionRange.atLeast("--timeout-seconds", timeoutSeconds, 1);
            HeatBit heatBit = switch (bit.toLowerCase(Locale.ROOT)) {
                case "accessed", "a" -> HeatBit.ACCESSED;
                case "dirty", "d" -> HeatBit.DIRTY;
                default -> throw new IllegalArgumentException("--bit must be accessed or dirty, got '" + bit + "'");
            };
            cluster.requireReachable();
            List<ChunkHeat> chunks = new PageHeatReader(cluster.security(), cluster.bootstrapServers(), cluster.schemaRegistryUrl())
                    .chunks(vmId, Duration.ofSeconds(timeoutSeconds));
            PrintWriter err = spec.commandLine().getErr();
            if (chunks.isEmpty()) {
                err.println("tierscope heat order: no published page heat for VM '" + vmId
                        + "' (unknown VM, expired, or its first window has not closed yet)");
                return 1;
            }
            long pages = chunks.stream().mapToLong(ChunkHeat::pageCount).sum();
            int n = limit == 0 ? (int) Math.min(Integer.MAX_VALUE - 8, pages) : limit;
            long[] order = direction.hottest ? HeatOrder.hottestFirst(chunks, heatBit, n) : HeatOrder.coldestFirst(chunks, heatBit, n);
            err.printf(Locale.ROOT, "tierscope heat order: VM %s, %d pages in %d chunks (%s), %s first by %s bit, %d shown%n",
                    vmId, pages, chunks.size(), chunks.get(0).table().name(), direction.hottest ? "hottest" : "coldest",
                    heatBit == HeatBit.ACCESSED ? "A" : "D", order.length);
            PrintWriter out = spec.commandLine().getOut();
            StringBuilder line = new StringBuilder(24);
            for (long gfn : order) {
                line.setLength(0);
                out.println(line.append(gfn));
            }
            out.flush();
            return 0;
        }
    }
}
