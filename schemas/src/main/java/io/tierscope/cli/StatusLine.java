package io.tierscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long command on standard error, the way operators' tools show it: on a terminal
 * one line rewritten in place ({@code \r}) at most every {@link #TERMINAL_EVERY_MS}; when standard
 * error is a file or a pipe, a plain line at most every {@link #PLAIN_EVERY_MS}, so logs stay
 * readable. Lines the command prints in between ({@link #println}) clear the status line first.
 */
public final class StatusLine {
    public static final long TERMINAL_EVERY_MS = 500;
    public static final long PLAIN_EVERY_MS = 10_000;

    private final PrintWriter err;
    private final boolean terminal;
    private final long everyMs;
    private final LongSupplier clockMs;
    private long lastMs;
    private int shownWidth;

    public StatusLine(PrintWriter err, boolean terminal, LongSupplier clockMs) {
        this.err = err;
        this.terminal = terminal;
        this.everyMs = terminal ? TERMINAL_EVERY_MS : PLAIN_EVERY_MS;
        this.clockMs = clockMs;
        this.lastMs = clockMs.getAsLong();
    }

    /** A status line on {@code err}, live when this process's standard error is a terminal. */
    public static StatusLine onStandardError(PrintWriter err) {
        return new StatusLine(err, stderrIsTerminal(), System::currentTimeMillis);
    }

    public boolean terminal() {
        return terminal;
    }

    /** Whether an update is due; callers that build the text at some cost ask first. */
    public synchronized boolean due() {
        return clockMs.getAsLong() - lastMs >= everyMs;
    }

    /** Shows {@code text} if an update is due (see the class comment); returns whether it did. */
    public synchronized boolean update(String text) {
        if (!due()) {
            return false;
        }
        lastMs = clockMs.getAsLong();
        if (terminal) {
            // Pad over the rest of a longer previous line; no escape sequences needed.
            err.print("\r" + text + " ".repeat(Math.max(0, shownWidth - text.length())));
            shownWidth = text.length();
        } else {
            err.println(text);
        }
        err.flush();
        return true;
    }

    /** Prints a whole line, moving the live status line out of its way (it comes back on the next update). */
    public synchronized void println(String line) {
        clear();
        err.println(line);
        err.flush();
    }

    /** Erases the live line, if one is shown: the command's own closing lines say how it ended. */
    public synchronized void finish() {
        clear();
        err.flush();
    }

    private void clear() {
        if (terminal && shownWidth > 0) {
            err.print("\r" + " ".repeat(shownWidth) + "\r");
            shownWidth = 0;
        }
    }

    /**
     * Whether file descriptor 2 is a terminal: on Linux its /proc link names a tty or pty (this
     * holds when standard output is redirected, unlike {@link System#console()}); elsewhere,
     * whether there is a console. {@code TERM=dumb} counts as no terminal.
     */
    public static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    /**
     * "45% of 27.1 MB, ETA 0:12": how far through a file of known size, and when it should be done
     * at the rate so far ({@code elapsedMs} since the start; no ETA in the first second).
     */
    public static String fileProgress(long bytesDone, long bytesTotal, long elapsedMs) {
        if (bytesTotal <= 0) {
            return "";
        }
        double fraction = Math.min(1.0, (double) bytesDone / bytesTotal);
        String done = String.format(Locale.ROOT, "%3d%% of %s", (int) Math.floor(fraction * 100), megabytes(bytesTotal));
        if (fraction <= 0 || fraction >= 1 || elapsedMs < 1000) {
            return done;
        }
        return done + ", ETA " + clock(Math.round(elapsedMs * (1 - fraction) / fraction));
    }

    /** 754_000 ms -> "12:34"; an hour or more -> "1:02:03". */
    public static String clock(long ms) {
        long s = Math.max(0, ms) / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String megabytes(long bytes) {
        return bytes >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
