package io.tierscope.app.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One step of the ramp, measured after its warm-up.
 *
 * @param footprintPages       pages per VM (what each VM's A/D scans cover every period)
 * @param offeredSamplesPerS   what the collector was asked for (VMs x rate per VM)
 * @param publishedSamplesPerS what the collector published
 * @param offeredScanPagesPerS A/D-scan pages asked for (VMs x footprint per scan period)
 * @param scanPagesPerS        A/D-scan pages the collector published
 * @param processedSamplesPerS what the streams app consumed and committed (published minus the growth of its lag),
 *                             at most what was published (a step that starts behind catches up faster)
 * @param maxLagSeconds        the streams app's largest input lag after the warm-up, in seconds of input
 * @param endLagSeconds        its lag at the step's end
 * @param latency              window end -> output readable, per output topic and over both ("all")
 * @param processes            CPU (cores) and memory of each process
 * @param bytes                what the step added to the topics (its warm-up included)
 */
record StepResult(int step, double ratePerVm, long footprintPages, double offeredSamplesPerS, double publishedSamplesPerS,
                  double processedSamplesPerS, double offeredScanPagesPerS, double scanPagesPerS, double maxLagSeconds,
                  double endLagSeconds, double seconds, Map<String, Percentiles> latency, Map<String, ProcessFigures> processes,
                  boolean sustained, Bytes bytes) {

    /** Bytes a step added to the raw-samples topic, the scans topic and the app's changelogs, and its samples. */
    record Bytes(long samples, long rawBytes, long scanBytes, long changelogBytes) {
        static final Bytes NONE = new Bytes(0, 0, 0, 0);

        double wirePerSample() {
            return samples == 0 ? Double.NaN : (double) rawBytes / samples;
        }

        double changelogPerSample() {
            return samples == 0 ? Double.NaN : (double) changelogBytes / samples;
        }
    }

    StepResult withBytes(long samples, long rawBytes, long scanBytes, long changelogBytes) {
        return new StepResult(step, ratePerVm, footprintPages, offeredSamplesPerS, publishedSamplesPerS, processedSamplesPerS,
                offeredScanPagesPerS, scanPagesPerS, maxLagSeconds, endLagSeconds, seconds, latency, processes, sustained,
                new Bytes(samples, rawBytes, scanBytes, changelogBytes));
    }

    /** Nearest-rank percentiles of a step's output latencies (ms); count 0 when no window closed within the step. */
    record Percentiles(int count, double p50, double p99, double max) {
        static Percentiles of(long[] values) {
            if (values.length == 0) {
                return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
            }
            long[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
        }

        private static double rank(long[] sorted, double q) {
            return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
        }
    }

    /** A process's CPU use (cores, over the step's measured part) and memory (MiB). */
    record ProcessFigures(double cpuCores, double rssMiB, double peakRssMiB) {
        static ProcessFigures between(ProcUsage before, ProcUsage after, double seconds) {
            return new ProcessFigures(seconds <= 0 ? 0 : (after.cpuSeconds() - before.cpuSeconds()) / seconds,
                    after.rssBytes() / 1048576.0, after.peakRssBytes() / 1048576.0);
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("rate_per_vm", ratePerVm);
        m.put("footprint_pages", footprintPages);
        m.put("offered_samples_per_s", Math.round(offeredSamplesPerS));
        m.put("published_samples_per_s", Math.round(publishedSamplesPerS));
        m.put("processed_samples_per_s", Math.round(processedSamplesPerS));
        m.put("offered_scan_pages_per_s", Math.round(offeredScanPagesPerS));
        m.put("scan_pages_per_s", Math.round(scanPagesPerS));
        m.put("max_lag_seconds", round(maxLagSeconds));
        m.put("end_lag_seconds", round(endLagSeconds));
        m.put("measured_seconds", round(seconds));
        m.put("sustained", sustained);
        m.put("wire_bytes_per_sample", number(bytes.wirePerSample()));
        m.put("changelog_bytes_per_sample", number(bytes.changelogPerSample()));
        m.put("scan_bytes", bytes.scanBytes());
        Map<String, Object> lat = new LinkedHashMap<>();
        latency.forEach((topic, p) -> {
            Map<String, Object> figures = new LinkedHashMap<>(); // nulls allowed: no window closed
            figures.put("count", p.count());
            figures.put("p50_ms", number(p.p50()));
            figures.put("p99_ms", number(p.p99()));
            figures.put("max_ms", number(p.max()));
            lat.put(topic, figures);
        });
        m.put("latency", lat);
        Map<String, Object> procs = new LinkedHashMap<>();
        processes.forEach((name, f) -> {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("cpu_cores", round(f.cpuCores()));
            // CPU time per sample: what a core buys, whatever share of the cores other work took.
            figures.put("cpu_us_per_sample", number(cpuMicrosPerSample(f)));
            figures.put("cpu_ns_per_scan_page", number(cpuNanosPerScanPage(f)));
            figures.put("rss_mib", round(f.rssMiB()));
            figures.put("peak_rss_mib", round(f.peakRssMiB()));
            procs.put(name, figures);
        });
        m.put("processes", procs);
        return m;
    }

    /** A process's CPU microseconds per sample processed in the step (NaN when none was). */
    double cpuMicrosPerSample(ProcessFigures f) {
        return processedSamplesPerS <= 0 ? Double.NaN : f.cpuCores() / processedSamplesPerS * 1e6;
    }

    /** A process's CPU nanoseconds per A/D-scan page published in the step (NaN when none was): the scan ramp's cost. */
    double cpuNanosPerScanPage(ProcessFigures f) {
        return scanPagesPerS <= 0 ? Double.NaN : f.cpuCores() / scanPagesPerS * 1e9;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** A figure for JSON: null when there is none (NaN). */
    static Object number(double v) {
        return Double.isNaN(v) ? null : round(v);
    }
}
