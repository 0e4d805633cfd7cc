package io.tierscope.collector.produce;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything a {@link Collector} needs besides its sources: where Kafka and the registry are,
 * batching and buffer bounds, and the producer's delivery guarantees. Immutable; build with
 * {@link #builder()}.
 */
public final class CollectorSettings {
    /** Share of the send buffer A/D scans may hold at most; samples always have the rest. */
    public static final double DEFAULT_SCAN_BUFFER_SHARE = 0.25;
    /** Scan bitmaps as runs where smaller ({@link io.tierscope.schemas.ScanRuns}); "bitmap" for streams apps before it. */
    public static final String DEFAULT_SCAN_ENCODING = "runs";
    /**
     * zstd's level for the producer: 1 compresses packed samples as well as Kafka's default 3 (within 1 %)
     * and costs less CPU (docs/performance-collector.md, "CPU per sample").
     */
    public static final int ZSTD_LEVEL = 1;

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final String host;
    private final int maxBatchSamples;
    private final long lingerMs;
    private final long bufferBytes;
    private final String compression;
    private final int deliveryTimeoutMs;
    private final int requestTimeoutMs;
    private final double prefilterRate;
    private final double scanBufferShare;
    private final String scanEncoding;
    private final long metricsIntervalMs;
    private final Map<String, String> producerOverrides;
    private final ClientSecurity security;

    /** Largest scan record a source sends: a 32,768-page chunk's two bitmaps, plus overhead. */
    static final int MAX_SCAN_RECORD_BYTES = 2 * 4096 + Outgoing.RECORD_OVERHEAD_BYTES;

    private CollectorSettings(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.schemaRegistryUrl = b.schemaRegistryUrl;
        this.host = b.host != null ? b.host : localHostName();
        this.maxBatchSamples = b.maxBatchSamples;
        this.lingerMs = b.lingerMs;
        this.bufferBytes = b.bufferBytes;
        this.compression = b.compression;
        this.deliveryTimeoutMs = b.deliveryTimeoutMs;
        this.requestTimeoutMs = b.requestTimeoutMs;
        this.prefilterRate = b.prefilterRate;
        this.scanBufferShare = b.scanBufferShare;
        this.scanEncoding = b.scanEncoding;
        this.metricsIntervalMs = b.metricsIntervalMs;
        this.producerOverrides = Map.copyOf(b.producerOverrides);
        this.security = b.security;
        validate();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrapServers = bootstrapServers;
        b.schemaRegistryUrl = schemaRegistryUrl;
        b.host = host;
        b.maxBatchSamples = maxBatchSamples;
        b.lingerMs = lingerMs;
        b.bufferBytes = bufferBytes;
        b.compression = compression;
        b.deliveryTimeoutMs = deliveryTimeoutMs;
        b.requestTimeoutMs = requestTimeoutMs;
        b.prefilterRate = prefilterRate;
        b.scanBufferShare = scanBufferShare;
        b.scanEncoding = scanEncoding;
        b.metricsIntervalMs = metricsIntervalMs;
        b.producerOverrides.putAll(producerOverrides);
        b.security = security;
        return b;
    }

    private void validate() {
        require(maxBatchSamples > 0, "max samples per batch must be positive, got " + maxBatchSamples);
        require(lingerMs >= 0, "linger must be >= 0 ms, got " + lingerMs);
        long largestBatch = (long) maxBatchSamples * 8 + Outgoing.RECORD_OVERHEAD_BYTES;
        require(bufferBytes >= largestBatch, "buffer of " + bufferBytes + " bytes cannot hold one batch of "
                + maxBatchSamples + " samples (" + largestBatch + " bytes)");
        require(compression.equals("zstd") || compression.equals("lz4") || compression.equals("none")
                || compression.equals("gzip") || compression.equals("snappy"),
                "unknown compression '" + compression + "' (zstd, lz4, snappy, gzip, none)");
        require(requestTimeoutMs > 0, "request timeout must be positive, got " + requestTimeoutMs + " ms");
        require(deliveryTimeoutMs >= requestTimeoutMs + 1000,
                "delivery timeout (" + deliveryTimeoutMs + " ms) must exceed the request timeout ("
                        + requestTimeoutMs + " ms) by at least 1000 ms");
        require(prefilterRate > 0 && prefilterRate <= 1, "pre-filter rate must be in (0, 1], got " + prefilterRate);
        require(scanBufferShare > 0 && scanBufferShare <= 1,
                "--scan-buffer-share must be in (0, 1], got " + scanBufferShare);
        require(scanEncoding.equals("runs") || scanEncoding.equals("bitmap"),
                "--scan-encoding must be runs or bitmap, got '" + scanEncoding + "'");
        require(metricsIntervalMs >= 0, "metrics interval must be >= 0 ms, got " + metricsIntervalMs);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * The producer configuration: idempotent, acks=all, compressed, and patient enough to ride
     * out a broker outage of several minutes (delivery.timeout.ms) while the send buffer holds
     * the backlog. send() may block (max.block.ms) for as long as delivery may take, because it
     * runs on the sender thread, never on a pump.
     */
    public Properties producerProperties() {
        Properties p = security.kafkaClientProps(Objects.requireNonNull(bootstrapServers,
                "bootstrap servers not set (--bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS)"));
        // The registry-aware serializer is configured from these same properties (URL and credentials).
        p.putAll(security.serdeConfig(Objects.requireNonNull(schemaRegistryUrl,
                "schema registry URL not set (--schema-registry or SCHEMA_REGISTRY_URL)")));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tierscope-collector-" + host);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SpecificAvroSerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, Integer.toString(ZSTD_LEVEL));
        // Our batches are already large; a short linger only groups records of several VMs.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Math.max(1 << 20, maxBatchSamples * 8 + 4096)));
        // The producer's own memory must never be the bound that bites: ours is (SendBuffer).
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, bufferBytes + (16L << 20))));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(requestTimeoutMs));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(deliveryTimeoutMs));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(deliveryTimeoutMs));
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
        p.putAll(producerOverrides);
        return p;
    }

    /** The security settings of the cluster and registry the collector writes to. */
    public ClientSecurity security() {
        return security;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public String host() {
        return host;
    }

    public int maxBatchSamples() {
        return maxBatchSamples;
    }

    public long lingerMs() {
        return lingerMs;
    }

    public long bufferBytes() {
        return bufferBytes;
    }

    public String compression() {
        return compression;
    }

    public int deliveryTimeoutMs() {
        return deliveryTimeoutMs;
    }

    public double prefilterRate() {
        return prefilterRate;
    }

    /** Share of the send buffer scans may hold (the rest is the samples'). */
    public double scanBufferShare() {
        return scanBufferShare;
    }

    /** Bytes of the send buffer scans may hold at most: their share, but at least one scan record. */
    public long scanBufferBytes() {
        return Math.max((long) (bufferBytes * scanBufferShare), Math.min(bufferBytes, MAX_SCAN_RECORD_BYTES));
    }

    /** Whether scans are sent as runs where smaller ("runs") or always as bitmaps ("bitmap"). */
    public boolean scanRunEncoding() {
        return scanEncoding.equals("runs");
    }

    public long metricsIntervalMs() {
        return metricsIntervalMs;
    }

    public static final class Builder {
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private String host;
        private int maxBatchSamples = 4096;
        private long lingerMs = 200;
        private long bufferBytes = 64L << 20;
        private String compression = "zstd";
        private int deliveryTimeoutMs = 300_000;
        private int requestTimeoutMs = 30_000;
        private double prefilterRate = 1.0;
        private double scanBufferShare = DEFAULT_SCAN_BUFFER_SHARE;
        private String scanEncoding = DEFAULT_SCAN_ENCODING;
        private long metricsIntervalMs = 10_000;
        private final Map<String, String> producerOverrides = new LinkedHashMap<>();
        private ClientSecurity security = ClientSecurity.NONE;

        private Builder() {
        }

        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        public Builder schemaRegistryUrl(String url) {
            this.schemaRegistryUrl = url;
            return this;
        }

        /** Host name written into every record (default: $HOSTNAME or the local host name). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Samples per SampleBatch record at most (default 4096 = 32 KiB of packed samples). */
        public Builder maxBatchSamples(int samples) {
            this.maxBatchSamples = samples;
            return this;
        }

        /** How long a batch may wait for more samples before it is sent (default 200 ms). */
        public Builder lingerMs(long ms) {
            this.lingerMs = ms;
            return this;
        }

        /** Bound on admitted, unacknowledged record bytes (default 64 MiB). */
        public Builder bufferBytes(long bytes) {
            this.bufferBytes = bytes;
            return this;
        }

        /** Producer compression: zstd (default), lz4, snappy, gzip or none. */
        public Builder compression(String type) {
            this.compression = type.toLowerCase(Locale.ROOT);
            return this;
        }

        /** How long the producer keeps retrying one record (default 300 s). */
        public Builder deliveryTimeoutMs(int ms) {
            this.deliveryTimeoutMs = ms;
            return this;
        }

        public Builder requestTimeoutMs(int ms) {
            this.requestTimeoutMs = ms;
            return this;
        }

        /** Fraction of each VM's pages kept by the spatial pre-filter (default 1 = off). */
        public Builder prefilterRate(double rate) {
            this.prefilterRate = rate;
            return this;
        }

        /** Share of the send buffer A/D scans may hold, in (0, 1] (default {@link CollectorSettings#DEFAULT_SCAN_BUFFER_SHARE}). */
        public Builder scanBufferShare(double share) {
            this.scanBufferShare = share;
            return this;
        }

        /** "runs" (default: runs where smaller than the bitmap) or "bitmap" (what streams apps before runs read). */
        public Builder scanEncoding(String encoding) {
            this.scanEncoding = encoding.toLowerCase(Locale.ROOT);
            return this;
        }

        /** How often the metrics line is printed; 0 = only at exit (default 10 s). */
        public Builder metricsIntervalMs(long ms) {
            this.metricsIntervalMs = ms;
            return this;
        }

        /** Security settings of a secured cluster and registry (default none: PLAINTEXT, no registry auth). */
        public Builder security(ClientSecurity security) {
            this.security = Objects.requireNonNull(security);
            return this;
        }

        /** A raw producer config that wins over the defaults above. */
        public Builder producerOverride(String key, String value) {
            this.producerOverrides.put(key, value);
            return this;
        }

        public CollectorSettings build() {
            return new CollectorSettings(this);
        }
    }
}
