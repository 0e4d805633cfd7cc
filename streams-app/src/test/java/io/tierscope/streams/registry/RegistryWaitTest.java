package io.tierscope.streams.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.schemas.serde.SchemaRegistryException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The waiting loop's decisions; the real registry outage is RegistryOutageIT. */
class RegistryWaitTest {
    private static final String URL = "http://127.0.0.1:1/apis/ccompat/v7";

    @Test
    void unreachableRegistryIsRetriedUntilItAnswersAndHealthFollows() {
        RegistryHealth health = new RegistryHealth(URL);
        AtomicInteger calls = new AtomicInteger();
        boolean[] downWhileFailing = new boolean[1];
        String value = new RegistryWait(health).untilAnswered(() -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new SchemaRegistryException("connection refused", 0, null);
            }
            if (n == 2) {
                downWhileFailing[0] = !health.up();
                throw new SchemaRegistryException("HTTP 503", 503, null);
            }
            return "decoded";
        }, () -> "t-0@5");
        assertEquals("decoded", value);
        assertEquals(3, calls.get());
        assertTrue(downWhileFailing[0], "health is down while the registry fails");
        assertTrue(health.up());
        assertEquals(2, health.failedCalls());
        assertEquals(1, health.outages());
        assertEquals("HTTP 503", health.lastError());
    }

    @Test
    void answersAboutTheRecordPassThroughAtOnce() {
        for (int status : new int[] {404, 400, 422}) {
            SchemaRegistryException notFound = new SchemaRegistryException("unknown schema id 77", status, null);
            RegistryHealth health = new RegistryHealth(URL);
            SchemaRegistryException thrown = assertThrows(SchemaRegistryException.class,
                    () -> new RegistryWait(health).untilAnswered(() -> {
                        throw notFound;
                    }, () -> "t-0@5"));
            assertSame(notFound, thrown);
            assertTrue(health.up());
            assertEquals(0, health.failedCalls());
        }
    }

    @Test
    void unreachableStatusesAreTheOnesThatSayNothingAboutTheRecord() {
        for (int status : new int[] {0, 401, 403, 408, 429, 500, 502, 503, 504}) {
            assertTrue(RegistryWait.unreachable(status), "status " + status);
        }
        for (int status : new int[] {200, 400, 404, 409, 422}) {
            assertFalse(RegistryWait.unreachable(status), "status " + status);
        }
    }

    @Test
    void shuttingDownEndsTheWaitWithoutAVerdictOnTheRecord() {
        RegistryHealth health = new RegistryHealth(URL);
        health.stopWaiting();
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> new RegistryWait(health).untilAnswered(() -> {
                    throw new SchemaRegistryException("connection refused", 0, null);
                }, () -> "t-0@5"));
        assertTrue(e.getMessage().contains(URL) && e.getMessage().contains("t-0@5"), e.getMessage());
        assertFalse(health.up());
        assertTrue(health.describe(System.currentTimeMillis()).contains("unreachable"), health.describe(0));
    }
}
