package io.tierscope.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** A command's {@code --config} properties file, read the same way by every Kafka Streams command. */
public final class ConfigFile {
    private ConfigFile() {
    }

    /**
     * The file's keys and trimmed values. A missing or unreadable file fails with the JDK's exception, which names
     * the file and which the launcher turns into one line.
     */
    public static Map<String, String> load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (FileSystemException e) {
            throw e; // names the file already
        } catch (IOException e) {
            throw new IOException("--config " + file + ": " + e.getMessage(), e); // e.g. "Is a directory" alone
        }
        Map<String, String> m = new HashMap<>();
        p.forEach((k, v) -> m.put(k.toString(), v.toString().trim()));
        return m;
    }
}
