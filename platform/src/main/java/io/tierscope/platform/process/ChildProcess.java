package io.tierscope.platform.process;

import io.tierscope.platform.PlatformStartException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child process whose output goes to a log file and whose stdin is a pipe this JVM holds open.
 * The children treat EOF on stdin as "the parent is gone": the kernel closes the pipe however this
 * JVM ends, SIGKILL included, so no child outlives it.
 */
public final class ChildProcess implements AutoCloseable {
    private static final int TAIL_LINES = 40;

    private final String name;
    private final Process process;
    private final Path log;
    private final OutputStream lifeline;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.lifeline = process.getOutputStream();
    }

    public static ChildProcess start(String name, List<String> command, Path workDir, Path log,
                                     Map<String, String> extraEnv) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, System.lineSeparator() + "=== " + Instant.now() + " starting " + name + ": "
                            + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().putAll(extraEnv);
            return new ChildProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new PlatformStartException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code ready} holds. Fails fast when the child exits, and on timeout stops it;
     * either way the message carries the tail of its log.
     */
    public void awaitReady(BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (!process.isAlive()) {
                throw new PlatformStartException(name + " exited with code " + process.exitValue()
                        + " before it was ready; last lines of " + log + ":" + System.lineSeparator() + tail());
            }
            if (System.nanoTime() - deadline > 0) {
                close();
                throw new PlatformStartException(name + " was not ready within " + timeout.toSeconds()
                        + " s; last lines of " + log + ":" + System.lineSeparator() + tail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new PlatformStartException("interrupted while waiting for " + name + " to get ready", e);
            }
        }
    }

    public String tail() {
        return LogTail.lastLines(log, TAIL_LINES);
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL the child and anything it started. */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            closeLifeline();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    private void closeLifeline() {
        try {
            lifeline.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the stdin pipe of " + name, e);
        }
    }
}
