package io.tierscope.collector.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.SampleBatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SendBufferTest {
    private static final VmLane LANE = new VmLane("vm-1");

    private static Outgoing entry(int payloadBytes) {
        return Outgoing.samples("t", LANE, new SampleBatch(), payloadBytes / 8, payloadBytes);
    }

    @Test
    void tryPutRefusesWhatDoesNotFitAndAdmitsAgainAfterRelease() throws InterruptedException {
        SendBuffer buffer = new SendBuffer(3 * (64 + 64));
        Outgoing a = entry(64);
        assertTrue(buffer.tryPut(a));
        assertTrue(buffer.tryPut(entry(64)));
        assertTrue(buffer.tryPut(entry(64)));
        assertFalse(buffer.tryPut(entry(64)), "a fourth entry exceeds the bound");
        assertEquals(3 * 128, buffer.reservedBytes());

        Outgoing taken = buffer.poll(0, TimeUnit.MILLISECONDS);
        assertSame(a, taken, "entries leave in admission order");
        assertFalse(buffer.tryPut(entry(64)), "taking an entry does not free it: it is still in flight");
        buffer.release(taken);
        assertTrue(buffer.tryPut(entry(64)));
    }

    @Test
    void putWaitsUntilAnAcknowledgementFreesSpace() throws Exception {
        SendBuffer buffer = new SendBuffer(128);
        Outgoing first = entry(64);
        assertTrue(buffer.put(first));
        AtomicBoolean admitted = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            try {
                admitted.set(buffer.put(entry(64)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        awaitState(waiter, Thread.State.WAITING);
        assertFalse(admitted.get());
        buffer.release(buffer.poll(0, TimeUnit.MILLISECONDS));
        waiter.join(10_000);
        assertTrue(admitted.get());
        assertEquals(128, buffer.reservedBytes());
    }

    @Test
    void closeWakesWaitersWhoseEntriesAreRefused() throws Exception {
        SendBuffer buffer = new SendBuffer(128);
        assertTrue(buffer.put(entry(64)));
        AtomicBoolean admitted = new AtomicBoolean(true);
        Thread waiter = new Thread(() -> {
            try {
                admitted.set(buffer.put(entry(64)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        awaitState(waiter, Thread.State.WAITING);
        buffer.close();
        waiter.join(10_000);
        assertFalse(admitted.get());
        assertFalse(buffer.tryPut(entry(0)));
        assertEquals(1, buffer.queuedEntries(), "entries admitted before close stay to be sent");
    }

    private static Outgoing scan(int payloadBytes) {
        return Outgoing.scan("s", LANE, new io.tierscope.avro.AdScan(), payloadBytes, payloadBytes * 8);
    }

    @Test
    void scansHoldAtMostTheirShareAndSamplesKeepTheRest() throws Exception {
        SendBuffer buffer = new SendBuffer(10 * 128, 2 * 128);
        assertTrue(buffer.tryPut(scan(64)));
        assertTrue(buffer.tryPut(scan(64)));
        assertFalse(buffer.tryPut(scan(64)), "a live source's third scan is refused: the scans' share is full");
        for (int i = 0; i < 8; i++) {
            assertTrue(buffer.tryPut(entry(64)), "samples still have the other 8 slots, sample " + i);
        }
        assertEquals(2 * 128, buffer.scanReservedBytes());

        AtomicBoolean admitted = new AtomicBoolean();
        Thread scanPump = new Thread(() -> {
            try {
                admitted.set(buffer.put(scan(64)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        scanPump.start();
        awaitState(scanPump, Thread.State.WAITING);
        Outgoing firstScan = buffer.poll(0, TimeUnit.MILLISECONDS);
        assertTrue(firstScan.isScan());
        buffer.release(buffer.poll(0, TimeUnit.MILLISECONDS)); // the second scan, acknowledged
        scanPump.join(10_000);
        assertTrue(admitted.get(), "a freed scan slot admits the waiting scan");
        assertEquals(1, buffer.scansDeferred(), "the wait is counted");
        buffer.release(firstScan);
        assertEquals(128 * 9, buffer.reservedBytes());
    }

    @Test
    void aScanLargerThanTheScansShareIsAConfigurationError() {
        SendBuffer buffer = new SendBuffer(1000, 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buffer.tryPut(scan(64)));
        assertTrue(e.getMessage().contains("share of scans"), e.getMessage());
    }

    @Test
    void pollReturnsNullWhenNothingArrives() throws InterruptedException {
        assertNull(new SendBuffer(1000).poll(1, TimeUnit.MILLISECONDS));
    }

    @Test
    void anEntryHeavierThanTheWholeBufferIsAConfigurationError() {
        SendBuffer buffer = new SendBuffer(100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buffer.tryPut(entry(64)));
        assertTrue(e.getMessage().contains("can never fit"), e.getMessage());
    }

    @Test
    void releasingMoreThanWasReservedIsABug() {
        SendBuffer buffer = new SendBuffer(1000);
        assertThrows(IllegalStateException.class, () -> buffer.release(entry(64)));
    }

    static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        for (int i = 0; i < 10_000 && t.getState() != state; i++) {
            Thread.sleep(1);
        }
        assertEquals(state, t.getState());
    }
}
