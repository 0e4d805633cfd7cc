package io.tierscope.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class SimulateCommandTest {
    private static final String[] SMALL = {"--pages", "2048", "--periods", "12", "--rate", "20000", "--budget", "256"};

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = SimulateCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void badArgumentsExitTwoWithOneLine() {
        for (String[] args : List.of(
                new String[] {},
                new String[] {"--synthetic", "nope"},
                new String[] {"--synthetic", "zipf", "--fast-ratio", "1.5"},
                new String[] {"--synthetic", "zipf", "--fast-ratio", "0.1", "--fast-pages", "10"},
                new String[] {"--synthetic", "zipf", "--trace", "x.csv"},
                new String[] {"--synthetic", "zipf", "--budget", "-1"},
                new String[] {"--synthetic", "zipf", "--period-ms", "0"},
                new String[] {"--synthetic", "zipf", "--sample-rate", "0"},
                new String[] {"--synthetic", "zipf", "--half-life-periods", "0"},
                new String[] {"--synthetic", "zipf", "--count-half-life-periods", "0.2"},
                new String[] {"--synthetic", "zipf", "--count-gap", "-1"},
                new String[] {"--synthetic", "zipf", "--count-sigmas", "-1"},
                new String[] {"--synthetic", "zipf", "--score-half-life-periods", "0.1"},
                new String[] {"--synthetic", "zipf", "--score-gap", "-1"},
                new String[] {"--synthetic", "zipf", "--format", "xml"},
                new String[] {"--synthetic", "zipf", "--fast-pages", "ten"})) {
            Run r = run(args);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", args) + ": " + r.err());
        }
    }

    @Test
    void anUnreadableTraceExitsOneWithOneLine() {
        Run r = run("--trace", dir.resolve("missing.csv").toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("missing.csv"), r.err());
    }

    @SuppressWarnings("unchecked")
    @Test
    void jsonHasOneEntryPerPolicyAndTheSettings() throws IOException {
        Path json = dir.resolve("out.json");
        Run r = run(with(SMALL, "--synthetic", "multi-vm", "--json", json.toString(), "--compare-half-lives", "2"));
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(Files.readString(json));
        List<Map<String, Object>> policies = (List<Map<String, Object>>) doc.get("policies");
        assertEquals(List.of("all-fast", "first-touch", "kvm_hybridmem", "epoch-oracle", "tierscope", "tierscope-fsm",
                        "tierscope-state", "tierscope-counts", "tierscope-h2", "tierscope-fsm-h2", "tierscope-counts-h2"),
                policies.stream().map(p -> p.get("name")).toList());
        for (Map<String, Object> p : policies) {
            double share = (Double) p.get("fast_share");
            assertTrue(share >= 0 && share <= 1, p.toString());
            assertTrue((Double) p.get("migrated_pages") >= 0);
            assertEquals((Double) p.get("migrated_pages"), (Double) p.get("promoted_pages") + (Double) p.get("demoted_pages"));
            List<Map<String, Object>> vms = (List<Map<String, Object>>) p.get("vms");
            assertEquals(4, vms.size());
            assertEquals(12, ((List<Object>) vms.get(0).get("fast_pages_per_period")).size());
            assertTrue(r.out().contains((String) p.get("name")), "table row for " + p.get("name"));
        }
        Map<String, Object> settings = (Map<String, Object>) doc.get("settings");
        assertEquals("multi-vm", settings.get("workload"));
        assertEquals(2.0, settings.get("count_sigmas"));
        assertEquals(256.0, settings.get("budget_pages_per_s"));
        assertEquals(1000.0, settings.get("period_ms"));
        // 10% of 2048 + 128 + 2048 + 2048 pages.
        assertEquals(Math.floor(0.1 * (2048 * 3 + 128)), settings.get("fast_pages"));
        assertEquals(12.0, settings.get("periods"));
        // The tierscope-fsm row runs the planner's defaults.
        assertEquals(HeatMemoryScore.DEFAULT_HALF_LIFE_PERIODS, settings.get("score_half_life_periods"));
        assertEquals(HeatMemoryScore.DEFAULT_MIN_GAP, settings.get("score_gap"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"zipf", "phase-shift", "scan-polluted", "multi-vm"})
    void allFastIsOneAndTheOracleBoundsEveryOtherPolicyWithinTheBudget(String fleet) {
        Simulation.Result r = simulate(fleet, 7);
        assertEquals(1.0, r.policy("all-fast").fastShare());
        double oracle = r.policy("epoch-oracle").fastShare();
        long budget = r.settings().budgetPagesPerPeriod() * r.periods();
        for (Simulation.PolicyResult p : r.policies()) {
            if (!p.name().equals("all-fast")) {
                assertTrue(p.fastShare() <= oracle, p.name() + " " + p.fastShare() + " > oracle " + oracle);
            }
            assertTrue(p.migratedPages() <= budget, p.name() + " migrated " + p.migratedPages() + " > " + budget);
            for (long[] fast : p.fastPagesPerPeriod()) {
                long sum = 0;
                for (long f : fast) {
                    sum += f;
                }
                if (!p.name().equals("all-fast")) {
                    assertTrue(sum <= r.settings().capacityPages(), p.name() + " over capacity: " + sum);
                }
            }
        }
    }

    @Test
    void resultsAreDeterministicPerSeed() {
        Simulation.Result a = simulate("scan-polluted", 3);
        Simulation.Result b = simulate("scan-polluted", 3);
        Simulation.Result c = simulate("scan-polluted", 4);
        assertEquals(Report.json(a, "x"), Report.json(b, "x"));
        assertTrue(!Report.json(a, "x").equals(Report.json(c, "x")), "another seed, other accesses");
    }

    @Test
    void tracesReplayOneVmEach() throws IOException {
        Path t1 = dir.resolve("a.csv");
        Path t2 = dir.resolve("b.csv");
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            a.append(0x7f0000 + (i % 97) * 3).append('\n');      // a small loop at sparse addresses
            b.append(i * 7919L % 4000).append(",2\n");            // writes spread over 4000 pages
        }
        Files.writeString(t1, a);
        Files.writeString(t2, b);
        Path json = dir.resolve("t.json");
        Run r = run("--trace", t1.toString(), t2.toString(), "--rate", "10000", "--fast-pages", "200", "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(Files.readString(json))).get("settings");
        assertEquals("[{vm=a.csv, pages=97.0}, {vm=b.csv, pages=4000.0}]", settings.get("vms").toString());
        assertEquals(5.0, settings.get("periods"));
        assertEquals(100_000.0, settings.get("accesses"));
    }

    private static Simulation.Result simulate(String fleet, long seed) {
        Simulation.Settings s = new Simulation.Settings(0, 256, 1000, 20_000, 0.05, 8, 0.1, 1, 8, 1, true, seed, 8, 0.15, 2);
        List<VmSource> vms = SyntheticFleets.of(fleet, seed, 2048, 20_000, 12);
        long pages = vms.stream().mapToLong(VmSource::pages).sum();
        s = new Simulation.Settings(pages / 10, 256, 1000, 20_000, 0.05, 8, 0.1, 1, 8, 1, true, seed, 8, 0.15, 2);
        return Simulation.run(vms, s, List.of(2.0));
    }
}
