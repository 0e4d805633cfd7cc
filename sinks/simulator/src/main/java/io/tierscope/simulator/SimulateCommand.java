package io.tierscope.simulator;

import io.tierscope.analytics.heat.SampledCounts;
import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import io.tierscope.analytics.tiering.placement.HeatRanking;

import io.tierscope.workload.AccessReader;
import io.tierscope.workload.trace.TraceFormat;
import io.tierscope.workload.trace.TraceFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tierscope simulate}: replays traces (one VM per file) or a synthetic fleet through every
 * placement policy at the same fast capacity and migration budget, and prints each policy's
 * fast-tier access share and migrated pages (and the same as JSON with {@code --json}).
 * Exit codes: 0 done, 1 unreadable or malformed input, 2 bad arguments.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Compare tiering policies on the same accesses: all-fast, first-touch, kvm_hybridmem, "
                + "an epoch oracle and tierscope.",
        footer = {"", "Synthetic fleets: zipf, phase-shift, scan-polluted, multi-vm.",
            "Exit codes: 0 ok, 1 unreadable or malformed input, 2 bad arguments."})
public final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--trace", arity = "1..*", paramLabel = "FILE", description = "Trace files, one VM each.")
        List<Path> traces;

        @Option(names = "--synthetic", paramLabel = "NAME", description = "A synthetic fleet: zipf, phase-shift, scan-polluted, multi-vm.")
        String synthetic;
    }

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv, lackey or bin (default: from the extension, else the content).")
    String format;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Capacity capacity = new Capacity();

    static final class Capacity {
        @Option(names = "--fast-pages", paramLabel = "N", description = "Fast-tier pages of the host.")
        Long pages;

        @Option(names = "--fast-ratio", paramLabel = "R", description = "Fast tier as a fraction of all VM pages (default 0.1).")
        Double ratio;
    }

    @Option(names = "--budget", paramLabel = "PAGES_PER_S", defaultValue = "1024",
            description = "Migration budget, pages per second, promotions and demotions together (default: ${DEFAULT-VALUE}).")
    long budget;

    @Option(names = "--period-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Planning period (default: ${DEFAULT-VALUE}).")
    long periodMs;

    @Option(names = "--rate", paramLabel = "ACCESSES_PER_S", defaultValue = "200000",
            description = "Accesses per second of each VM: how a trace maps to time (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--periods", paramLabel = "N", defaultValue = "60",
            description = "Periods to run a synthetic fleet (default: ${DEFAULT-VALUE}).")
    int periods;

    @Option(names = "--pages", paramLabel = "N", defaultValue = "65536",
            description = "Pages per synthetic VM (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--sample-rate", paramLabel = "R", defaultValue = "0.05",
            description = "Fraction of accesses the policies' heat sees, as a sampling collector's (default: ${DEFAULT-VALUE}).")
    double sampleRate;

    @Option(names = "--half-life-periods", paramLabel = "H", defaultValue = "8",
            description = "Temperature half-life in periods, tierscope and kvm_hybridmem (default: ${DEFAULT-VALUE}).")
    double halfLife;

    @Option(names = "--compare-half-lives", split = ",", paramLabel = "H",
            description = "Extra tierscope rows with these half-lives (periods), e.g. 1,2,4.")
    List<Double> extraHalfLives = new ArrayList<>();

    @Option(names = "--tolerance", paramLabel = "RATIO", defaultValue = "0.1",
            description = "Hysteresis: a slow page must be this much hotter than the fast page it replaces (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--min-gap", paramLabel = "SAMPLES", defaultValue = "0.15",
            description = "Hysteresis: and by at least this many sampled reads per period, at the steady state of the half-life "
                    + "(tierscope only; default: ${DEFAULT-VALUE}).")
    double minGap;

    @Option(names = "--score-half-life-periods", paramLabel = "H", defaultValue = "" + HeatMemoryScore.DEFAULT_HALF_LIFE_PERIODS,
            description = "Half-life of the tierscope-fsm row's one-byte heat score, in periods, as the planner's "
                    + "tierscope.plan.half.life.periods (default: ${DEFAULT-VALUE}).")
    double scoreHalfLife;

    @Option(names = "--score-gap", paramLabel = "SCORE", defaultValue = "" + HeatMemoryScore.DEFAULT_MIN_GAP,
            description = "Hysteresis of the tierscope-fsm rows (the planner's policy): a slow page's one-byte heat score "
                    + "(0..255) must beat the fast page's by at least this much (default: ${DEFAULT-VALUE}).")
    double scoreGap;

    @Option(names = "--count-half-life-periods", paramLabel = "H", defaultValue = "0",
            description = "Half-life of the tierscope-counts row's sampled access counts, in periods, as the streams app's "
                    + "tierscope.heat.count.half.life.periods; 0: from the sampling density, as docs/tiering.md advises "
                    + "setting it (default: ${DEFAULT-VALUE}).")
    double countHalfLife;

    @Option(names = "--count-gap", paramLabel = "MEAN_COUNTS", defaultValue = "" + HeatRanking.DEFAULT_COUNT_GAP_MEAN_COUNTS,
            description = "Hysteresis of the tierscope-counts rows: a slow page must beat the fast page by this many times "
                    + "the host's mean count (default: ${DEFAULT-VALUE}).")
    double countGap;

    @Option(names = "--count-sigmas", paramLabel = "N", defaultValue = "" + HeatRanking.DEFAULT_COUNT_NOISE_SIGMAS,
            description = "Hysteresis of the tierscope-counts rows: and by this many standard deviations of the counts' "
                    + "sampling noise (default: ${DEFAULT-VALUE}).")
    double countSigmas;

    @Option(names = "--no-guards", description = "Rank by temperature alone, without the heat FSM's frigid/sizzle guards.")
    boolean noGuards;

    @Option(names = "--max-accesses", paramLabel = "N", defaultValue = "100000000",
            description = "Most accesses read from each trace (default: ${DEFAULT-VALUE}).")
    long maxAccesses;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic fleet and of the sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON here.")
    Path json;

    /** A command line for this command alone whose bad-argument errors are one line (exit 2), as in the launcher. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SimulateCommand());
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("tierscope simulate: " + e.getMessage() + " (see --help)");
            return 2;
        });
        return cl;
    }

    @Override
    public Integer call() {
        validate();
        int perPeriod = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, (long) rate * periodMs / 1000));
        List<VmSource> vms;
        try {
            vms = input.synthetic != null ? SyntheticFleets.of(input.synthetic, seed, pages, perPeriod, periods)
                    : loadTraces(perPeriod);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (InputFailure e) {
            spec.commandLine().getErr().println("tierscope simulate: " + e.getMessage());
            return 1;
        }
        long totalPages = 0;
        for (VmSource vm : vms) {
            totalPages += vm.pages();
        }
        long fastPages = capacity.pages != null ? capacity.pages
                : (long) Math.floor(totalPages * (capacity.ratio != null ? capacity.ratio : 0.1));
        Simulation.Settings settings = new Simulation.Settings(fastPages, budget, periodMs, perPeriod, sampleRate,
                halfLife, tolerance, minGap, scoreHalfLife, scoreGap, !noGuards, seed, countHalfLife, countGap, countSigmas);
        Simulation.Result result = Simulation.run(vms, settings, extraHalfLives);
        PrintWriter out = spec.commandLine().getOut();
        out.print(Report.table(result));
        out.flush();
        if (json != null) {
            try {
                Files.writeString(json, Report.json(result, input.synthetic != null ? input.synthetic : "traces"),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                spec.commandLine().getErr().println("tierscope simulate: cannot write " + json + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (capacity.pages != null && capacity.pages < 0) {
            throw new ParameterException(cl, "--fast-pages must be >= 0, got " + capacity.pages);
        }
        if (capacity.ratio != null && !(capacity.ratio >= 0 && capacity.ratio <= 1)) {
            throw new ParameterException(cl, "--fast-ratio must be in [0, 1], got " + capacity.ratio);
        }
        if (budget < 0) {
            throw new ParameterException(cl, "--budget must be >= 0, got " + budget);
        }
        if (periodMs < 1) {
            throw new ParameterException(cl, "--period-ms must be >= 1, got " + periodMs);
        }
        if (rate < 1) {
            throw new ParameterException(cl, "--rate must be >= 1, got " + rate);
        }
        if (periods < 1 || pages < 64) {
            throw new ParameterException(cl, "--periods must be >= 1 and --pages >= 64, got " + periods + " and " + pages);
        }
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw new ParameterException(cl, "--sample-rate must be in (0, 1], got " + sampleRate);
        }
        for (double h : concat(halfLife, extraHalfLives)) {
            if (!(h > 0) || Double.isInfinite(h)) {
                throw new ParameterException(cl, "half-lives must be positive, got " + h);
            }
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new ParameterException(cl, "--tolerance must be >= 0, got " + tolerance);
        }
        if (!(minGap >= 0) || Double.isInfinite(minGap)) {
            throw new ParameterException(cl, "--min-gap must be >= 0, got " + minGap);
        }
        if (!(scoreGap >= 0) || Double.isInfinite(scoreGap)) {
            throw new ParameterException(cl, "--score-gap must be >= 0, got " + scoreGap);
        }
        if (!(countGap >= 0) || Double.isInfinite(countGap)) {
            throw new ParameterException(cl, "--count-gap must be >= 0, got " + countGap);
        }
        if (!(countSigmas >= 0) || Double.isInfinite(countSigmas)) {
            throw new ParameterException(cl, "--count-sigmas must be >= 0, got " + countSigmas);
        }
        if (countHalfLife != 0 && (countHalfLife < 0.5 || countHalfLife > 1000)) {
            throw new ParameterException(cl, "--count-half-life-periods must be 0 (from the sampling density) or 0.5 to 1000, got "
                    + countHalfLife);
        }
        for (double h : concat(scoreHalfLife, concat(halfLife, extraHalfLives))) {
            if (h < 0.5 || h > 1000) {
                throw new ParameterException(cl, "half-lives must be 0.5 to 1000 periods (the heat score's range), got " + h);
            }
        }
        if (maxAccesses < 1) {
            throw new ParameterException(cl, "--max-accesses must be >= 1, got " + maxAccesses);
        }
        if (input.synthetic != null && !SyntheticFleets.NAMES.contains(input.synthetic)) {
            throw new ParameterException(cl, "--synthetic must be one of " + String.join(", ", SyntheticFleets.NAMES)
                    + ", got '" + input.synthetic + "'");
        }
        if (format != null) {
            try {
                TraceFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, e.getMessage());
            }
        }
    }

    private static List<Double> concat(double first, List<Double> rest) {
        List<Double> all = new ArrayList<>(rest);
        all.add(first);
        return all;
    }

    private List<VmSource> loadTraces(int perPeriod) throws InputFailure {
        List<VmSource> vms = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path trace : input.traces) {
            String name = trace.getFileName().toString();
            for (int i = 2; names.contains(name); i++) {
                name = trace.getFileName() + "#" + i;
            }
            names.add(name);
            try {
                TraceFormat fmt = format != null ? TraceFormat.parse(format) : TraceFormat.detect(trace);
                LoadedTrace loaded;
                try (AccessReader reader = fmt.open(trace)) {
                    loaded = LoadedTrace.read(name, reader, maxAccesses);
                }
                if (loaded.length() == 0) {
                    throw new InputFailure(trace + " holds no accesses");
                }
                vms.add(VmSource.of(loaded, perPeriod));
            } catch (TraceFormatException e) {
                throw new InputFailure(e.getMessage());
            } catch (NoSuchFileException e) {
                throw new InputFailure("cannot read " + trace + ": no such file");
            } catch (AccessDeniedException e) {
                throw new InputFailure("cannot read " + trace + ": permission denied");
            } catch (IOException | UncheckedIOException e) {
                throw new InputFailure("cannot read " + trace + ": " + e.getMessage());
            }
        }
        return vms;
    }

    /** An input problem: one line, exit 1. */
    private static final class InputFailure extends Exception {
        InputFailure(String message) {
            super(message);
        }
    }

}
