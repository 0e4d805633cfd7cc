package io.tierscope.app;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.executor.ExecuteMeters;
import io.tierscope.executor.NumaTopology;
import io.tierscope.executor.PageLocator;
import io.tierscope.executor.PageMover;
import io.tierscope.executor.PlanConsumer;
import io.tierscope.executor.PlanExecutor;
import io.tierscope.executor.RateLimiter;
import io.tierscope.guestmap.MapsReader;
import io.tierscope.guestmap.QemuGuestRam;
import io.tierscope.metrics.Metrics;
import io.tierscope.nativeaccess.Errno;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo's executor: the real plan consumer and executor ({@code execute}'s code) over a
 * simulated two-node memory, so that the planner gets placement back and each period plans from
 * where the last plan left the pages. The demo's VMs are synthetic (no guest RAM anywhere): a true
 * dry run would report every page where it always was, and the planner would promote the same
 * pages every period. Each VM gets a made-up pid ({@link #pidOf}) and a made-up guest RAM range;
 * move_pages is replaced by the {@link SimulatedMemory} behind {@link PageLocator} and
 * {@link PageMover}. Pages start nowhere (-ENOENT: never placed), as a VM's untouched memory.
 */
final class DemoExecutor implements AutoCloseable {
    /** Demo VM i's made-up host process id. */
    static long pidOf(int vmIndex) {
        return 1_000_000L + vmIndex;
    }

    private final Thread thread;
    private final AtomicBoolean stop;

    private DemoExecutor(Thread thread, AtomicBoolean stop) {
        this.thread = thread;
        this.stop = stop;
    }

    /**
     * Starts consuming {@code host}'s plans. {@code vmPages} gives each VM's memory in pages, by index
     * (the VM with pid {@code pidOf(i)} has {@code vmPages.get(i)} pages).
     */
    static DemoExecutor start(ClientSecurity security, String bootstrap, String registry, String host, List<Long> vmPages,
                              long budgetPagesPerSec, int chunkPages) {
        SimulatedMemory memory = new SimulatedMemory();
        Map<Integer, Long> pagesByPid = new HashMap<>();
        for (int i = 0; i < vmPages.size(); i++) {
            pagesByPid.put((int) pidOf(i), vmPages.get(i));
        }
        PlanExecutor executor = new PlanExecutor(host, new NumaTopology(List.of(0, 1)), pid -> {
            Long pages = pagesByPid.get(pid);
            if (pages == null) {
                throw new java.io.IOException("no demo VM has pid " + pid);
            }
            long base = 0x100000000000L * (pid - 999_999L); // a disjoint made-up range per VM
            return QemuGuestRam.of(new MapsReader.Mapping(base, base + pages * 4096, "rw-p", 0, "00:00", 0, ""), pages * 4096);
        }, memory.locator(), memory.mover(), RateLimiter.realTime(Math.max(1, budgetPagesPerSec)), 512, chunkPages,
                System::currentTimeMillis);
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Object> serde = security.serdeConfig(registry);
        Map<String, Object> client = security.kafkaClientProperties(bootstrap);
        Thread t = new Thread(() -> {
            try (PlanConsumer loop = PlanConsumer.connect(host, client, serde, executor, Duration.ofMinutes(10),
                    System::currentTimeMillis, new ExecuteMeters(Metrics.newRegistry("demo-execute"), false))) {
                loop.assign(Duration.ofSeconds(60));
                loop.run(stop::get, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("tierscope demo: the executor stopped: " + e.getMessage());
            }
        }, "demo-executor");
        t.setDaemon(true);
        t.start();
        return new DemoExecutor(t, stop);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
    }

    /** Two NUMA nodes in a map: the node of each page that was ever placed. */
    static final class SimulatedMemory {
        private final Map<Long, Integer> nodeByAddress = new HashMap<>();

        PageLocator locator() {
            return new PageLocator(null) {
                @Override
                public void locate(int pid, long[] addresses, int[] status, int count) {
                    for (int i = 0; i < count; i++) {
                        status[i] = nodeByAddress.getOrDefault(addresses[i], -Errno.ENOENT);
                    }
                }
            };
        }

        PageMover mover() {
            return new PageMover(null, false) {
                @Override
                public long move(int pid, long[] addresses, int node, int[] status, int count) {
                    for (int i = 0; i < count; i++) {
                        nodeByAddress.put(addresses[i], node);
                        status[i] = node;
                    }
                    return 0;
                }
            };
        }
    }
}
