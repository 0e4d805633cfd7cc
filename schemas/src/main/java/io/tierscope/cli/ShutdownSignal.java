package io.tierscope.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C / SIGTERM handling for long-running commands: the shutdown hook wakes the command's
 * main thread and then holds the JVM open until the command says it has stopped cleanly, so
 * that brokers, stream threads and child processes are closed, not cut off.
 */
public final class ShutdownSignal implements AutoCloseable {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private final Duration cleanupLimit;

    public ShutdownSignal(Duration cleanupLimit) {
        this.cleanupLimit = cleanupLimit;
        this.hook = new Thread(() -> {
            requested.countDown();
            try {
                finished.await(this.cleanupLimit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tierscope-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Waits until Ctrl-C/SIGTERM or until {@code limit} passes (null: no limit); true if a signal came. */
    public boolean await(Duration limit) throws InterruptedException {
        if (limit == null) {
            requested.await();
            return true;
        }
        return requested.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean requested() {
        return requested.getCount() == 0;
    }

    /** Cleanup is done: let the JVM exit (or, without a signal, remove the hook). */
    @Override
    public void close() {
        finished.countDown();
        if (!requested()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The JVM is exiting anyway; the hook sees `finished` and returns.
            }
        }
    }
}
