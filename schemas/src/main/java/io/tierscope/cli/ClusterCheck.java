package io.tierscope.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * The reachability check every networked command runs before it starts anything: is there a Kafka
 * cluster at the bootstrap address, and a Confluent-compatible schema registry at the registry URL?
 * Each answers within a few seconds with one line naming the address and the setting to fix,
 * instead of a client waiting a minute and failing with a node-assignment timeout (or, for a
 * registry URL without its API path, with a puzzling "unknown schema id" much later).
 */
public final class ClusterCheck {
    /** How long each check waits: long enough for a loaded broker, short enough for a person. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** A cluster endpoint that is not there or not what it should be; the message is the whole story. */
    public static final class UnreachableException extends RuntimeException {
        private final boolean outage;

        public UnreachableException(String message) {
            this(message, false);
        }

        /** @param outage true when nothing answered (waiting may help), false for a wrong address or answer */
        public UnreachableException(String message, boolean outage) {
            super(message);
            this.outage = outage;
        }

        /** Nothing answered (refused, timed out): a component that waits out outages may go on and retry. */
        public boolean outage() {
            return outage;
        }
    }

    private ClusterCheck() {
    }

    /**
     * Describes the cluster at {@code bootstrapServers} (with the given extra client properties,
     * e.g. security settings) and returns its id.
     *
     * @throws UnreachableException naming the address and --bootstrap-servers / $KAFKA_BOOTSTRAP_SERVERS
     */
    public static String broker(String bootstrapServers, Map<String, ?> clientProperties, Duration timeout) {
        String fix = " (check --bootstrap-servers or $" + ClusterOptions.BOOTSTRAP_ENV + ")";
        String refused = refusedEverywhere(bootstrapServers, timeout);
        if (refused != null) {
            throw new UnreachableException("cannot connect to Kafka at " + bootstrapServers + ": " + refused + fix);
        }
        Map<String, Object> props = new HashMap<>(clientProperties);
        int ms = (int) Math.max(1, timeout.toMillis());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        // Fail fast on a closed port instead of backing off for the default second and more.
        props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        props.putIfAbsent(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 5000));
        props.putIfAbsent(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(ms, 5000));
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).clusterId()
                    .get(ms + 2000L, TimeUnit.MILLISECONDS);
        } catch (KafkaException e) {
            // Admin.create: an address that does not resolve or parse.
            throw new UnreachableException("cannot use Kafka bootstrap servers '" + bootstrapServers + "': "
                    + rootMessage(e) + fix);
        } catch (ExecutionException | TimeoutException e) {
            throw new UnreachableException("no Kafka broker answered at " + bootstrapServers + " within "
                    + seconds(timeout) + fix);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while checking Kafka at " + bootstrapServers);
        }
    }

    /**
     * GETs {@code <url>/subjects}: a Confluent-compatible registry answers 200 with a JSON array.
     *
     * @throws UnreachableException naming the URL and --schema-registry / $SCHEMA_REGISTRY_URL; an
     *     answer that is not a registry API (e.g. Apicurio's root without /apis/ccompat/v7) says so
     */
    public static void registry(String url, Duration timeout) {
        String fix = " (check --schema-registry or $" + ClusterOptions.REGISTRY_ENV + ")";
        URI subjects;
        try {
            subjects = URI.create(url.replaceAll("/+$", "") + "/subjects");
            if (subjects.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new UnreachableException("schema registry URL '" + url + "' is not an http(s) URL" + fix);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(subjects).timeout(timeout).GET()
                    .header("Accept", "application/vnd.schemaregistry.v1+json, application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new UnreachableException("no schema registry answered at " + url + " within " + seconds(timeout) + fix, true);
        } catch (ConnectException e) {
            throw new UnreachableException("cannot connect to the schema registry at " + url + ": connection refused" + fix,
                    true);
        } catch (IOException e) {
            throw new UnreachableException("cannot reach the schema registry at " + url + ": " + rootMessage(e) + fix, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while checking the schema registry at " + url);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            throw new UnreachableException("the schema registry at " + url + " is unavailable (HTTP " + status + ")" + fix, true);
        }
        if (status == 401 || status == 403) {
            throw new UnreachableException("the schema registry at " + url + " refused the request (HTTP " + status
                    + "): credentials needed" + fix);
        }
        if (status != 200 || !response.body().stripLeading().startsWith("[")) {
            throw new UnreachableException(url + " does not answer as a Confluent-compatible schema registry (GET "
                    + subjects.getPath() + " gave HTTP " + status + "); the URL must include the API path, e.g. "
                    + "http://host:8080/apis/ccompat/v7 on Apicurio" + fix);
        }
    }

    /**
     * Why no address of the bootstrap list takes a TCP connection (unknown host, connection
     * refused), or null when one does or the list cannot be parsed here (the Kafka client then says).
     */
    private static String refusedEverywhere(String bootstrapServers, Duration timeout) {
        String why = null;
        for (String entry : bootstrapServers.split(",")) {
            String hostPort = entry.strip().replaceFirst("^[A-Za-z_]+://", "");
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                return null;
            }
            String host = hostPort.substring(0, colon).replaceAll("^\\[|]$", "");
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) Math.min(timeout.toMillis(), 3000));
                return null;
            } catch (UnknownHostException e) {
                why = "unknown host " + host;
            } catch (ConnectException e) {
                why = "connection refused";
            } catch (IOException e) {
                return null; // e.g. a connect timeout: let the Kafka client wait its time
            }
        }
        return why;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }
}
