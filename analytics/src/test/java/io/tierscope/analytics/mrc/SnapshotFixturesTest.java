package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The current snapshot format pinned byte for byte: fixtures written by the engine before its codec moved
 * beside the structures it encodes (sampled, exact, fixed-size, with and without the exact head, and a format 4
 * snapshot restored and re-written). Each restores, re-encodes to the same bytes, and gives the curves written
 * beside it. Re-generate (only for a deliberate format change, with a new version) with
 * {@code -Dmrc.fixtures.write=analytics/src/test/resources/mrc-snapshots}.
 */
class SnapshotFixturesTest {
    private static final CacheSizeGrid GRID = CacheSizeGrid.logSpaced(1, 10_000, 4);

    /** The fixtures and how they were made: 20,000 references of the format-1 fixture trace, VM key 5. */
    private static final List<Fixture> FIXTURES = List.of(
            new Fixture("exact.v5", () -> fed(MrcConfig.exact())),
            new Fixture("fixed-rate-0.3.v5", () -> fed(MrcConfig.fixedRate(0.3).withHeadPages(0))),
            new Fixture("fixed-rate-0.3-head-64.v5", () -> fed(MrcConfig.fixedRate(0.3).withHeadPages(64))),
            new Fixture("fixed-size-256-head-512.v5", () -> fed(MrcConfig.fixedSize(256).withHeadPages(512))),
            new Fixture("fixed-size-256-temporal-7.v5", () -> fed(MrcConfig.fixedSize(256).withTemporalPeriod(7))),
            new Fixture("fixed-size-256-prefiltered-0.5.v5", () -> {
                MrcEngine e = new MrcEngine(5, MrcConfig.fixedSize(256).withHeadPages(512));
                feed(e, 0, 10_000);
                e.declarePrefilterRate(0.5);
                e.acceptFiltered(123);
                feed(e, 10_000, 20_000);
                return e;
            }),
            new Fixture("exact-from-v4.v5", () -> MrcEngine.restore(resource("exact.v4"))));

    @ParameterizedTest
    @ValueSource(strings = {"exact.v5", "fixed-rate-0.3.v5", "fixed-rate-0.3-head-64.v5", "fixed-size-256-head-512.v5",
            "fixed-size-256-temporal-7.v5", "fixed-size-256-prefiltered-0.5.v5", "exact-from-v4.v5"})
    void restoresReencodesIdenticallyAndGivesTheSameCurves(String name) {
        byte[] stored = resource(name);
        assertEquals(5, stored[4], "fixture is format 5");
        MrcEngine restored = MrcEngine.restore(stored);
        assertArrayEquals(stored, restored.snapshot(), "re-encoded snapshot");
        for (String line : new String(resource(name + ".curves"), StandardCharsets.US_ASCII).lines().toList()) {
            String[] fields = line.split(",");
            double[] want = Arrays.stream(fields).skip(1).mapToDouble(Double::parseDouble).toArray();
            MrcEngine.Histogram h = MrcEngine.Histogram.valueOf(fields[0]);
            assertArrayEquals(want, restored.curve(h, GRID).missRatio(), h.name());
        }
        // The engine that wrote it is built the same way today: same bytes.
        Fixture fixture = FIXTURES.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
        assertArrayEquals(stored, fixture.engine.get().snapshot(), "snapshot of the engine built as the fixture was");
    }

    @Test
    @EnabledIfSystemProperty(named = "mrc.fixtures.write", matches = ".+")
    void writeFixtures() throws IOException {
        Path dir = Path.of(System.getProperty("mrc.fixtures.write"));
        for (Fixture f : FIXTURES) {
            MrcEngine e = f.engine.get();
            Files.write(dir.resolve(f.name), e.snapshot());
            MrcEngine copy = MrcEngine.restore(e.snapshot()); // curves flush pending counts: not the fixture's engine
            StringBuilder curves = new StringBuilder();
            for (MrcEngine.Histogram h : MrcEngine.Histogram.values()) {
                curves.append(h.name());
                for (double r : copy.curve(h, GRID).missRatio()) {
                    curves.append(',').append(r);
                }
                curves.append('\n');
            }
            Files.writeString(dir.resolve(f.name + ".curves"), curves, StandardCharsets.US_ASCII);
        }
    }

    private record Fixture(String name, Supplier<MrcEngine> engine) {
    }

    private static MrcEngine fed(MrcConfig config) {
        MrcEngine e = new MrcEngine(5, config);
        feed(e, 0, 20_000);
        return e;
    }

    private static void feed(MrcEngine e, int from, int to) {
        long[] trace = SnapshotPropertiesTest.fixtureTrace(to); // the format-1 fixtures' trace
        for (int i = from; i < to; i++) {
            e.setClock(i);
            e.accept(trace[i]);
            if (i % 997 == 996) {
                e.closeWindow();
            }
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = SnapshotFixturesTest.class.getResourceAsStream("/mrc-snapshots/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(name, e);
        }
    }
}
