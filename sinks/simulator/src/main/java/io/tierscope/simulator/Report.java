package io.tierscope.simulator;

import java.util.Locale;

/** The simulator's table and JSON. */
final class Report {
    private Report() {
    }

    static String table(Simulation.Result r) {
        Simulation.PolicyResult oracle = r.policy("epoch-oracle");
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d VM(s), %d pages, fast %d pages, budget %d pages/period, %d periods of %d ms, %d accesses%n",
                r.vmNames().size(), total(r.vmPages()), r.settings().capacityPages(), r.settings().budgetPagesPerPeriod(),
                r.periods(), r.settings().periodMs(), r.accesses()));
        b.append(String.format(Locale.ROOT, "%-16s %10s %10s %12s %12s %12s%n", "policy", "fast_share", "vs_oracle",
                "migrated", "promoted", "demoted"));
        for (Simulation.PolicyResult p : r.policies()) {
            b.append(String.format(Locale.ROOT, "%-16s %10.4f %10.4f %12d %12d %12d%n", p.name(), p.fastShare(),
                    vsOracle(p, oracle), p.migratedPages(), p.promotions(), p.demotions()));
        }
        return b.toString();
    }

    private static double vsOracle(Simulation.PolicyResult p, Simulation.PolicyResult oracle) {
        return oracle == null || oracle.fastShare() == 0 ? 0 : p.fastShare() / oracle.fastShare();
    }

    private static long total(int[] pages) {
        long n = 0;
        for (int p : pages) {
            n += p;
        }
        return n;
    }

    static String json(Simulation.Result r, String workload) {
        Simulation.Settings s = r.settings();
        Simulation.PolicyResult oracle = r.policy("epoch-oracle");
        StringBuilder b = new StringBuilder("{\"policies\": [");
        for (int i = 0; i < r.policies().size(); i++) {
            Simulation.PolicyResult p = r.policies().get(i);
            b.append(i == 0 ? "\n  " : ",\n  ").append('{')
                    .append("\"name\": ").append(string(p.name()))
                    .append(", \"fast_share\": ").append(number(p.fastShare()))
                    .append(", \"fast_share_vs_oracle\": ").append(number(vsOracle(p, oracle)))
                    .append(", \"migrated_pages\": ").append(p.migratedPages())
                    .append(", \"promoted_pages\": ").append(p.promotions())
                    .append(", \"demoted_pages\": ").append(p.demotions())
                    .append(", \"fast_hits\": ").append(p.hits())
                    .append(", \"migrated_per_period\": ").append(java.util.Arrays.toString(p.migratedPerPeriod()))
                    .append(", \"vms\": [");
            for (int v = 0; v < r.vmNames().size(); v++) {
                b.append(v == 0 ? "" : ", ").append("{\"vm\": ").append(string(r.vmNames().get(v)))
                        .append(", \"fast_share\": ").append(number(p.vmFastShare()[v]))
                        .append(", \"fast_pages_per_period\": [");
                for (int k = 0; k < p.fastPagesPerPeriod().length; k++) {
                    b.append(k == 0 ? "" : ", ").append(p.fastPagesPerPeriod()[k][v]);
                }
                b.append("]}");
            }
            b.append("]}");
        }
        b.append("\n],\n\"settings\": {")
                .append("\"workload\": ").append(string(workload))
                .append(", \"vms\": [");
        for (int v = 0; v < r.vmNames().size(); v++) {
            b.append(v == 0 ? "" : ", ").append("{\"vm\": ").append(string(r.vmNames().get(v)))
                    .append(", \"pages\": ").append(r.vmPages()[v]).append('}');
        }
        b.append("], \"fast_pages\": ").append(s.capacityPages())
                .append(", \"budget_pages_per_s\": ").append(s.budgetPagesPerSec())
                .append(", \"budget_pages_per_period\": ").append(s.budgetPagesPerPeriod())
                .append(", \"period_ms\": ").append(s.periodMs())
                .append(", \"accesses_per_period\": ").append(s.accessesPerPeriod())
                .append(", \"periods\": ").append(r.periods())
                .append(", \"accesses\": ").append(r.accesses())
                .append(", \"sample_rate\": ").append(number(s.sampleRate()))
                .append(", \"half_life_periods\": ").append(number(s.halfLifePeriods()))
                .append(", \"tolerance\": ").append(number(s.toleranceRatio()))
                .append(", \"min_gap\": ").append(number(s.minScoreGap()))
                .append(", \"score_half_life_periods\": ").append(number(s.heatHalfLifePeriods()))
                .append(", \"score_gap\": ").append(number(s.heatScoreGap()))
                .append(", \"count_half_life_periods\": ").append(number(s.countHalfLifePeriods()))
                .append(", \"count_gap\": ").append(number(s.countGapMeanCounts()))
                .append(", \"count_sigmas\": ").append(number(s.countNoiseSigmas()))
                .append(", \"guards\": ").append(s.guards())
                .append(", \"seed\": ").append(s.seed())
                .append("}}\n");
        return b.toString();
    }

    private static String number(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : "null";
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
