package io.tierscope.collector.cli;

import io.tierscope.collector.produce.CollectorSettings;
import io.tierscope.collector.produce.DeliveryHealth;
import io.tierscope.collector.produce.MetricsSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The last line of a {@code collect} run that lost data: what was read, published, lost, and why. */
final class CollectVerdict {
    private CollectVerdict() {
    }

    /**
     * One line when samples or scans read were not published (the run failed at its job), null when
     * everything read was published or filtered on purpose.
     */
    static String lossLine(MetricsSnapshot m, DeliveryHealth.Status health, CollectorSettings settings) {
        long samplesUnpublished = m.samplesRead() - m.samplesFiltered() - m.samplesPublished();
        long scansLost = m.scansDropped() + m.scansFailed();
        if (samplesUnpublished <= 0 && scansLost == 0) {
            return null;
        }
        List<String> lost = new ArrayList<>();
        if (m.samplesDropped() > 0) {
            lost.add(m.samplesDropped() + " dropped on a full buffer (--buffer-mb)");
        }
        if (m.samplesFailed() > 0) {
            lost.add(m.samplesFailed() + " not delivered");
        }
        long unaccounted = samplesUnpublished - m.samplesLost();
        if (unaccounted > 0) {
            lost.add(unaccounted + " still unsent at exit");
        }
        if (scansLost > 0) {
            lost.add(scansLost + " scan records lost");
        }
        return String.format(Locale.ROOT, "collect: failed: read %d samples, published %d, lost %d (%s)%s",
                m.samplesRead(), m.samplesPublished(), m.samplesLost() + Math.max(0, unaccounted), String.join(", ", lost),
                cause(health, settings));
    }

    private static String cause(DeliveryHealth.Status health, CollectorSettings settings) {
        List<String> causes = new ArrayList<>();
        if (health.longestRegistryOutageMs() > 0 || health.state() == DeliveryHealth.State.REGISTRY_UNREACHABLE) {
            causes.add("schema registry at " + settings.schemaRegistryUrl() + " unreachable for "
                    + seconds(Math.max(health.longestRegistryOutageMs(), health.outageMs()))
                    + " (set --schema-registry or SCHEMA_REGISTRY_URL)");
        }
        if (health.longestBrokerOutageMs() > 0) {
            causes.add("Kafka at " + settings.bootstrapServers() + " unreachable for " + seconds(health.longestBrokerOutageMs())
                    + " (set --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS)");
        }
        if (causes.isEmpty() && health.lastError() != null) {
            causes.add("last error: " + health.lastError());
        }
        return causes.isEmpty() ? "" : ": " + String.join("; ", causes);
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.0f s", ms / 1000.0);
    }
}
