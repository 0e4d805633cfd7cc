package io.tierscope.collector.produce;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The collector's one bounded buffer between the pumps and the Kafka sender. Its bound covers
 * every record that was admitted and is not yet acknowledged by the broker (queued here or in
 * flight inside the producer), so a broker outage fills it and nothing else grows.
 *
 * <p>Replay and synthetic pumps {@link #put} (they block: backpressure); live kernel pumps
 * {@link #tryPut} (they must keep draining the kernel queue, so a full buffer is a counted drop).
 * The sender {@link #poll}s entries and {@link #release}s their weight once the broker answered.
 *
 * <p>A/D scans may hold at most {@code scanCapacityBytes} of it: one round of a large fleet's scans
 * can outweigh the whole buffer, and samples must not wait behind it. A scan that finds the scans'
 * share full waits (counted as deferred) or, from a live source, is dropped (counted by the pump);
 * samples always have the rest. With the broker the bottleneck, both kinds queue and each gets
 * throughput in proportion to its share of the unacknowledged bytes.
 */
final class SendBuffer {
    private final long capacityBytes;
    private final long scanCapacityBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceFreed = lock.newCondition();
    private final Condition entryAdded = lock.newCondition();
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private long reservedBytes;
    private long scanReservedBytes;
    private long scansDeferred;
    private boolean closed;

    /** A buffer whose whole capacity scans may use too (tests of the sample path). */
    SendBuffer(long capacityBytes) {
        this(capacityBytes, capacityBytes);
    }

    SendBuffer(long capacityBytes, long scanCapacityBytes) {
        if (capacityBytes <= 0 || scanCapacityBytes <= 0 || scanCapacityBytes > capacityBytes) {
            throw new IllegalArgumentException("buffer capacity must be positive and the scans' share within it, got "
                    + capacityBytes + " and " + scanCapacityBytes + " bytes");
        }
        this.capacityBytes = capacityBytes;
        this.scanCapacityBytes = scanCapacityBytes;
    }

    long capacityBytes() {
        return capacityBytes;
    }

    /** Admits the entry if its weight fits now; false when the buffer is full or closed. */
    boolean tryPut(Outgoing entry) {
        checkWeight(entry);
        lock.lock();
        try {
            if (closed || !fits(entry)) {
                return false;
            }
            enqueue(entry);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admits the entry, waiting for space; false only when the buffer was closed before the
     * entry fitted.
     */
    boolean put(Outgoing entry) throws InterruptedException {
        checkWeight(entry);
        lock.lockInterruptibly();
        try {
            boolean deferred = false;
            while (!closed && !fits(entry)) {
                deferred |= entry.isScan() && scanReservedBytes + entry.weightBytes() > scanCapacityBytes;
                spaceFreed.await();
            }
            if (deferred) {
                scansDeferred++;
            }
            if (closed) {
                return false;
            }
            enqueue(entry);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest queued entry, waiting up to the timeout; null when none arrived. */
    Outgoing poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = entryAdded.awaitNanos(nanos);
            }
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts back, first in line, an entry taken by {@link #poll} whose send must be retried (broker
     * or registry away). Its weight stays reserved, so an outage fills the buffer, and nothing
     * else happens to the records: full is where the existing drop accounting starts. Works on a
     * closed buffer too (the entry was admitted before).
     */
    void requeue(Outgoing entry) {
        lock.lock();
        try {
            queue.addFirst(entry);
            entryAdded.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Frees the weight of an entry the broker acknowledged or that finally failed. */
    void release(Outgoing entry) {
        lock.lock();
        try {
            reservedBytes -= entry.weightBytes();
            if (entry.isScan()) {
                scanReservedBytes -= entry.weightBytes();
            }
            if (reservedBytes < 0 || scanReservedBytes < 0) {
                throw new IllegalStateException("released more than was reserved: " + reservedBytes + " bytes");
            }
            spaceFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further entries and wakes every waiting producer thread. Queued entries stay. */
    void close() {
        lock.lock();
        try {
            closed = true;
            spaceFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long reservedBytes() {
        lock.lock();
        try {
            return reservedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Scan records that had to wait for the scans' share (they were admitted later). */
    long scansDeferred() {
        lock.lock();
        try {
            return scansDeferred;
        } finally {
            lock.unlock();
        }
    }

    long scanReservedBytes() {
        lock.lock();
        try {
            return scanReservedBytes;
        } finally {
            lock.unlock();
        }
    }

    int queuedEntries() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(Outgoing entry) {
        return reservedBytes + entry.weightBytes() <= capacityBytes
                && (!entry.isScan() || scanReservedBytes + entry.weightBytes() <= scanCapacityBytes);
    }

    private void enqueue(Outgoing entry) {
        reservedBytes += entry.weightBytes();
        if (entry.isScan()) {
            scanReservedBytes += entry.weightBytes();
        }
        queue.addLast(entry);
        entryAdded.signal();
    }

    private void checkWeight(Outgoing entry) {
        // A record heavier than the whole buffer could never be admitted: a configuration error.
        long room = entry.isScan() ? scanCapacityBytes : capacityBytes;
        if (entry.weightBytes() > room) {
            throw new IllegalArgumentException("record of " + entry.weightBytes() + " bytes can never fit the "
                    + room + "-byte send buffer" + (entry.isScan() ? " share of scans" : "")
                    + ": raise the buffer size or lower the batch size");
        }
    }
}
