package io.tierscope.streams.registry;

import io.tierscope.schemas.serde.SchemaRegistryException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a registry-backed decode until the registry answers. A registry that cannot be reached
 * (connection refused, timeout, any HTTP status but 404) says nothing about the record, so the record
 * must not be dead-lettered: the stream thread waits, retrying with backoff (each attempt bounded by
 * the client's request timeout, the waiting unbounded), and logs a WARN naming the registry and how
 * long it has been down. "Cannot be reached" is: no answer, HTTP 5xx, 408, 429, and also 401/403
 * (credentials are the app's problem, not the record's). Any other answer (404: the schema id does
 * not exist; 400, 422) is about the record and passes through, as a reason to dead-letter it.
 *
 * <p>Why block the stream thread rather than throw so that Kafka Streams retries the task: Kafka
 * Streams 4 has no "retry this record" answer for processing errors; a thrown exception either
 * drops the record (continue) or kills the thread, which under exactly-once wipes and restores the
 * task's state every time. Blocking holds the record: its offset is not committed, nothing after
 * it is processed. Schemas are cached per id, so only a record with a schema id this instance has
 * not seen yet (after a start, or a new schema version) ever waits. If the wait outlasts
 * max.poll.interval.ms the member leaves the group, or if it outlasts transaction.timeout.ms with
 * a transaction open the broker aborts it; either way Kafka Streams re-creates the task from the
 * last commit and the held record is read again: still nothing lost, nothing dead-lettered.
 */
public final class RegistryWait {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWait.class);
    static final long FIRST_BACKOFF_MS = 200;
    static final long MAX_BACKOFF_MS = 5_000;

    private final RegistryHealth health;
    private final LongSupplier clock;

    public RegistryWait(RegistryHealth health) {
        this(health, System::currentTimeMillis);
    }

    RegistryWait(RegistryHealth health, LongSupplier clock) {
        this.health = health;
        this.clock = clock;
    }

    public RegistryHealth health() {
        return health;
    }

    /** Whether an HTTP status (0: no answer at all) means the registry cannot serve us now, whatever the record. */
    public static boolean unreachable(int httpStatus) {
        return httpStatus == 0 || httpStatus >= 500 || httpStatus == 408 || httpStatus == 429
                || httpStatus == 401 || httpStatus == 403;
    }

    /**
     * @param decode the registry-backed call
     * @param what   what is being decoded, for the log line (topic, partition, offset); asked only on failure
     * @throws SchemaRegistryException       with a status about the record (404: the schema id does not exist)
     * @throws RegistryUnavailableException  when the app shuts down (or the thread is interrupted) while waiting
     */
    public <T> T untilAnswered(Supplier<T> decode, Supplier<String> what) {
        long backoff = FIRST_BACKOFF_MS;
        boolean failedBefore = false;
        while (true) {
            try {
                T value = decode.get();
                if (failedBefore) {
                    health.answered();
                    LOG.info("schema registry at {} answers again; processing {}", health.url(), what.get());
                }
                return value;
            } catch (SchemaRegistryException e) {
                if (!unreachable(e.httpStatus())) {
                    if (failedBefore) {
                        health.answered();
                    }
                    throw e;
                }
                failedBefore = true;
                long now = clock.getAsLong();
                health.failed(now, e.getMessage());
                if (health.stopping()) {
                    throw new RegistryUnavailableException("stopped waiting for the schema registry at " + health.url()
                            + " (shutting down); " + what.get() + " is not committed and will be read again", e);
                }
                LOG.warn("schema registry at {} unreachable for {} s: {}; holding {} (not committed) and retrying in {} ms",
                        health.url(), health.downFor(now).toSeconds(), e.getMessage(), what.get(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnavailableException("interrupted while waiting for the schema registry at "
                            + health.url() + "; " + what.get() + " is not committed", e);
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }
}
