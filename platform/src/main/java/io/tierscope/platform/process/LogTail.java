package io.tierscope.platform.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last lines of a child's log, for error messages. Reads at most the final 64 KiB. */
public final class LogTail {
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    public static String lastLines(Path log, int lines) {
        if (!Files.exists(log)) {
            return "(no log at " + log + ")";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            Deque<String> kept = new ArrayDeque<>();
            for (String line : text.split("\r?\n", -1)) {
                kept.addLast(line);
                if (kept.size() > lines + 1) {
                    kept.removeFirst();
                }
            }
            if (!kept.isEmpty() && kept.peekLast().isEmpty()) {
                kept.removeLast();
            }
            while (kept.size() > lines) {
                kept.removeFirst();
            }
            return String.join(System.lineSeparator(), kept);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
