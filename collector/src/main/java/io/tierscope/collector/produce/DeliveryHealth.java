package io.tierscope.collector.produce;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Whether the collector's records get out, and if not, why: the broker has acknowledged nothing
 * for a while although records wait, or the schema registry cannot be reached to encode them.
 * Written by the sender thread and the producer's I/O thread; {@link #status} is what a health
 * endpoint or the command's final line shows. Outages are reported to the sink when they start
 * to matter (after {@link #REPORT_AFTER_MS}), again at every doubling, and when they end.
 */
public final class DeliveryHealth {
    /** A stall shorter than this is ordinary broker latency or a leader election, not an outage. */
    static final long REPORT_AFTER_MS = 10_000;

    /** What is wrong now, if anything. */
    public enum State { OK, BROKER_UNREACHABLE, REGISTRY_UNREACHABLE }

    /**
     * @param state                   the delivery state now
     * @param outageMs                how long the current outage lasts (0 when OK)
     * @param longestBrokerOutageMs   the longest time records waited with no acknowledgement, over the run
     * @param longestRegistryOutageMs the longest time the registry could not be reached, over the run
     * @param lastError               the last delivery or registry error seen, or null
     */
    public record Status(State state, long outageMs, long longestBrokerOutageMs, long longestRegistryOutageMs,
                         String lastError) {
        public boolean ok() {
            return state == State.OK;
        }
    }

    private final String bootstrapServers;
    private final String registryUrl;
    private final LongSupplier nanoClock;
    private final LongSupplier pendingBytes;
    private final Consumer<String> reportSink;
    private long lastBrokerProgressNanos;
    private long registryDownSinceNanos = -1;
    private long longestBrokerOutageNanos;
    private long longestRegistryOutageNanos;
    private long brokerReportedAtMs;
    private long registryReportedAtMs;
    private String lastError;

    DeliveryHealth(String bootstrapServers, String registryUrl, LongSupplier pendingBytes, LongSupplier nanoClock,
                   Consumer<String> reportSink) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.pendingBytes = pendingBytes;
        this.nanoClock = nanoClock;
        this.reportSink = reportSink;
        this.lastBrokerProgressNanos = nanoClock.getAsLong();
    }

    /** The broker acknowledged a record. */
    synchronized void acknowledged() {
        long now = nanoClock.getAsLong();
        closeBrokerOutage(now);
        lastBrokerProgressNanos = now;
    }

    /** A send attempt failed in a way worth retrying (broker away, timeout). */
    synchronized void brokerError(Exception error) {
        lastError = error.toString();
        check();
    }

    /** The registry could not be reached (or answered 5xx) while encoding a record. */
    synchronized void registryUnreachable(Exception error) {
        long now = nanoClock.getAsLong();
        lastError = error.getMessage();
        if (registryDownSinceNanos < 0) {
            registryDownSinceNanos = now;
            registryReportedAtMs = 0;
        }
        long downMs = TimeUnit.NANOSECONDS.toMillis(now - registryDownSinceNanos);
        longestRegistryOutageNanos = Math.max(longestRegistryOutageNanos, now - registryDownSinceNanos);
        if (registryReportedAtMs == 0 || downMs >= 2 * registryReportedAtMs) {
            registryReportedAtMs = Math.max(1, downMs);
            reportSink.accept((downMs >= 1000 ? "for " + seconds(downMs) + ": " : "") + error.getMessage()
                    + "; holding records in the buffer and retrying (the registry is set by --schema-registry or"
                    + " SCHEMA_REGISTRY_URL)");
        }
    }

    /** The registry encoded a record again. */
    synchronized void registryReachable() {
        if (registryDownSinceNanos >= 0) {
            long downMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - registryDownSinceNanos);
            registryDownSinceNanos = -1;
            reportSink.accept("schema registry at " + registryUrl + " reachable again after " + seconds(downMs));
        }
    }

    /**
     * Looks at the broker side: records waiting with no acknowledgement for long are an outage.
     * Called every second by the collector (the sender may sit in a producer call for minutes) and on errors.
     */
    synchronized void check() {
        long now = nanoClock.getAsLong();
        if (pendingBytes.getAsLong() == 0) {
            closeBrokerOutage(now);
            lastBrokerProgressNanos = now;
            return;
        }
        long stalledMs = TimeUnit.NANOSECONDS.toMillis(now - lastBrokerProgressNanos);
        if (registryDownSinceNanos >= 0 || stalledMs < REPORT_AFTER_MS) {
            return; // records wait for the registry, not the broker
        }
        longestBrokerOutageNanos = Math.max(longestBrokerOutageNanos, now - lastBrokerProgressNanos);
        if (brokerReportedAtMs == 0 || stalledMs >= 2 * brokerReportedAtMs) {
            brokerReportedAtMs = stalledMs;
            reportSink.accept(String.format(Locale.ROOT, "no acknowledgement from Kafka at %s for %s (%.1f MB waiting in the"
                            + " buffer)%s; retrying (the brokers are set by --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS)",
                    bootstrapServers, seconds(stalledMs), pendingBytes.getAsLong() / 1e6,
                    lastError == null ? "" : ", last error: " + lastError));
        }
    }

    public synchronized Status status() {
        long now = nanoClock.getAsLong();
        if (registryDownSinceNanos >= 0) {
            return new Status(State.REGISTRY_UNREACHABLE, TimeUnit.NANOSECONDS.toMillis(now - registryDownSinceNanos),
                    millis(longestBrokerOutageNanos), millis(longestRegistryOutageNanos), lastError);
        }
        long stalled = pendingBytes.getAsLong() == 0 ? 0 : now - lastBrokerProgressNanos;
        boolean down = TimeUnit.NANOSECONDS.toMillis(stalled) >= REPORT_AFTER_MS;
        return new Status(down ? State.BROKER_UNREACHABLE : State.OK, down ? millis(stalled) : 0,
                millis(Math.max(longestBrokerOutageNanos, down ? stalled : 0)), millis(longestRegistryOutageNanos), lastError);
    }

    private void closeBrokerOutage(long now) {
        if (brokerReportedAtMs > 0) {
            reportSink.accept("Kafka at " + bootstrapServers + " acknowledges again after "
                    + seconds(TimeUnit.NANOSECONDS.toMillis(now - lastBrokerProgressNanos)));
            brokerReportedAtMs = 0;
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.0f s", ms / 1000.0);
    }
}
