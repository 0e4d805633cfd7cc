package io.tierscope.platform.kafka;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The KRaft cluster id of one data dir, generated once and kept in {@code <dataDir>/cluster.id}:
 * formatting a restarted broker with a new id would make it refuse its own log. A log dir that is
 * already formatted donates its id when the file is missing.
 */
public final class ClusterIdFile {
    public static final String FILE_NAME = "cluster.id";

    private ClusterIdFile() {
    }

    public static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            Files.createDirectories(dataDir);
            String id = formattedClusterId(dataDir).orElseGet(() -> Uuid.randomUuid().toString());
            Path temp = Files.createTempFile(dataDir, FILE_NAME, ".tmp");
            Files.writeString(temp, id + System.lineSeparator(), StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** A log dir formatted before this file existed (or after it was lost) keeps its own id. */
    private static Optional<String> formattedClusterId(Path dataDir) throws IOException {
        Path meta = BrokerSettings.logDir(dataDir).resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        return Optional.ofNullable(props.getProperty("cluster.id"));
    }

    private static String read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            Uuid.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " does not hold a Kafka cluster id (base64 UUID), found \""
                    + text + "\"; delete the data dir to start a new cluster", e);
        }
        return text;
    }
}
