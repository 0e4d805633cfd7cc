package io.tierscope.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive use of an embedded platform's data dir for the platform's whole life: an OS lock on
 * {@value #FILE_NAME} in the dir, which also holds the owner's pid for the refusal message. Two
 * brokers on one log dir corrupt each other's segments, so a second platform (or demo) on the
 * same dir must refuse to start instead. The OS releases the lock when the holding JVM dies, even
 * on {@code kill -9}; the file itself stays (deleting it would race with a new owner).
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE_NAME = "platform.lock";
    /** A JVM cannot lock a file twice (OverlappingFileLockException): dirs held here, by real path. */
    private static final Set<Path> HELD_BY_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the dir if needed and locks it.
     *
     * @throws PlatformStartException when another process (or another platform of this JVM) holds it
     */
    public static DataDirLock acquire(Path dataDir) {
        Path dir;
        try {
            dir = Files.createDirectories(dataDir.toAbsolutePath()).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the platform data dir " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (!HELD_BY_THIS_JVM.add(dir)) {
            throw inUse(dir, Long.toString(ProcessHandle.current().pid()));
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String owner = ownerPid(channel);
                channel.close();
                throw inUse(dir, owner);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DataDirLock(dir, channel, lock);
        } catch (IOException e) {
            HELD_BY_THIS_JVM.remove(dir);
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the platform data dir " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            HELD_BY_THIS_JVM.remove(dir);
            closeQuietly(channel);
            throw e;
        }
    }

    /** The locked dir (its real path). */
    public Path dir() {
        return dir;
    }

    /** Releases the lock; idempotent. */
    @Override
    public synchronized void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it anyway
        }
        closeQuietly(channel);
        HELD_BY_THIS_JVM.remove(dir);
    }

    private static PlatformStartException inUse(Path dir, String ownerPid) {
        return new PlatformStartException("data dir " + dir + " is in use by another Tierscope platform (pid " + ownerPid
                + "): stop that one, or give this one another --data-dir");
    }

    /** The pid the holder wrote, or "unknown" while it has not written it yet. */
    private static String ownerPid(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(32);
        channel.read(bytes, 0);
        String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("\\d+") ? text : "unknown";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
