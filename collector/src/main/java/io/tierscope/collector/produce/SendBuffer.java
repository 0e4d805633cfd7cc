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
 */
final class SendBuffer {
    private final long capacityBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceFreed = lock.newCondition();
    private final Condition entryAdded = lock.newCondition();
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private long reservedBytes;
    private boolean closed;

    SendBuffer(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("buffer capacity must be positive, got " + capacityBytes + " bytes");
        }
        this.capacityBytes = capacityBytes;
    }

    long capacityBytes() {
        return capacityBytes;
    }

    /** Admits the entry if its weight fits now; false when the buffer is full or closed. */
    boolean tryPut(Outgoing entry) {
        checkWeight(entry);
        lock.lock();
        try {
            if (closed || reservedBytes + entry.weightBytes() > capacityBytes) {
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
            while (!closed && reservedBytes + entry.weightBytes() > capacityBytes) {
                spaceFreed.await();
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
            if (reservedBytes < 0) {
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

    int queuedEntries() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(Outgoing entry) {
        reservedBytes += entry.weightBytes();
        queue.addLast(entry);
        entryAdded.signal();
    }

    private void checkWeight(Outgoing entry) {
        // A record heavier than the whole buffer could never be admitted: a configuration error.
        if (entry.weightBytes() > capacityBytes) {
            throw new IllegalArgumentException("record of " + entry.weightBytes() + " bytes can never fit the "
                    + capacityBytes + "-byte send buffer: raise the buffer size or lower the batch size");
        }
    }
}
