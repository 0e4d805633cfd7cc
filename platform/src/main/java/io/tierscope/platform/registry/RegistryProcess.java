package io.tierscope.platform.registry;

import io.tierscope.platform.process.ChildProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Apicurio Registry (Quarkus) as a child process, H2 storage in {@code <dataDir>/registry-db}, HTTP and management
 * interfaces on loopback only, serving the Confluent-compatible API at {@value #CCOMPAT_PATH}.
 * <p>
 * Apicurio's main is not ours, so it cannot watch our pipe itself: {@link #WRAPPER} runs it under
 * {@code sh}, which kills it on EOF of the stdin pipe (this JVM died) and forwards SIGTERM.
 */
public final class RegistryProcess implements AutoCloseable {
    public static final String LOG_FILE = "registry.log";
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    public static final String DB_DIR = "registry-db";

    /**
     * {@code sh -c WRAPPER registry java args...}: SIGINT and SIGHUP are ignored by the wrapper and
     * (inherited) by java, so a Ctrl-C meant for the parent does not pull the registry away while
     * the parent is still shutting down in order. Java runs in the background with stdin from
     * /dev/null; a watcher subshell reads our stdin (fd 3) until EOF, then TERMs java and KILLs it
     * 10 s later if it is still there; the main shell waits for java (again after a trap
     * interrupted the wait) and exits with its status.
     */
    static final String WRAPPER = String.join("\n",
            "trap '' INT HUP",
            // The TERM trap is in place before java starts: a stop right after launch must not
            // kill the wrapper alone and leave java behind.
            "stopping=0",
            "trap 'stopping=1; [ -n \"${child:-}\" ] && kill -TERM \"$child\" 2>/dev/null' TERM",
            "exec 3<&0",
            "\"$@\" </dev/null &",
            "child=$!",
            "[ \"$stopping\" = 1 ] && kill -TERM \"$child\" 2>/dev/null",
            "( while read -r _; do :; done; kill -TERM \"$child\" 2>/dev/null; sleep 10; kill -KILL \"$child\" 2>/dev/null ) <&3 &",
            "watcher=$!",
            "exec 3<&-",
            "wait \"$child\"; status=$?",
            "while kill -0 \"$child\" 2>/dev/null; do wait \"$child\"; status=$?; done",
            "kill \"$watcher\" 2>/dev/null",
            "exit \"$status\"");

    private final ChildProcess child;
    private final String url;
    private final int port;

    private RegistryProcess(ChildProcess child, String url, int port) {
        this.child = child;
        this.url = url;
        this.port = port;
    }

    /** Starts the registry on {@code 127.0.0.1:port}, waits for it, and sets global compatibility BACKWARD. */
    public static RegistryProcess start(Path distribution, Path javaHome, Path dataDir, int port, Duration timeout) {
        Path dir = dataDir.toAbsolutePath();
        Path work = dir.resolve("registry-work");
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + work, e);
        }
        List<String> java = new ArrayList<>(List.of(RegistryJava.launcher(javaHome).toString(),
                // C1 only: the registry sees a handful of requests, and skipping C2 cut its start
                // from 7-11 s to 2.5-4.5 s on a loaded 2-core machine.
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + work,
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                // The management interface (health, metrics) binds 0.0.0.0:9000 by default: keep it
                // on loopback and off a fixed port so two platforms on one host do not collide.
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=0",
                "-Dapicurio.storage.kind=sql", "-Dapicurio.storage.sql.kind=h2",
                "-Dapicurio.datasource.url=" + h2Url(dir),
                "-Dapicurio.storage.snapshot.location=" + work,
                "-jar", distribution.resolve(ApicurioDistribution.RUN_JAR).toString()));
        List<String> command = new ArrayList<>(List.of("sh", "-c", WRAPPER, "tierscope-registry"));
        command.addAll(java);
        ChildProcess child = ChildProcess.start("Apicurio Registry", command, work, dir.resolve(LOG_FILE), Map.of());
        String url = "http://127.0.0.1:" + port + CCOMPAT_PATH;
        RegistryHttp http = new RegistryHttp(url);
        child.awaitReady(http::isUp, timeout);
        try {
            http.setGlobalCompatibility("BACKWARD");
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
        return new RegistryProcess(child, url, port);
    }

    /**
     * H2 in a file beside the Kafka log rather than in memory: records in Kafka carry schema ids, and
     * a registry that forgot them on restart would hand the same ids to other schemas. WRITE_DELAY=0
     * makes each registration durable at once (a SIGKILL 0.5 s later otherwise lost it, measured).
     */
    static String h2Url(Path dataDir) {
        Path db = dataDir.resolve(DB_DIR).resolve("registry").toAbsolutePath();
        if (db.toString().contains(";")) {
            throw new IllegalArgumentException("the data dir must not contain ';' (it ends up in a JDBC URL): " + dataDir);
        }
        return "jdbc:h2:file:" + db + ";WRITE_DELAY=0";
    }

    public String url() {
        return url;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return child.pid();
    }

    @Override
    public void close() {
        child.stop(Duration.ofSeconds(20));
    }
}
