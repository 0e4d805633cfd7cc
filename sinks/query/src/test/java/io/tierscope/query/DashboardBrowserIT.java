package io.tierscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.metrics.Metrics;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real headless Chromium loads the dashboard of a running query service fed with data: after
 * its scripts ran, the MRC plot and the heat map hold data (DOM) and are drawn (pixels of the
 * screenshot, kept as target/dashboard.png).
 */
@ExtendWith(PlatformExtension.class)
class DashboardBrowserIT {
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    @Test
    void theDashboardDrawsTheCurvesAndTheHeatMapOfAVm(Platform platform, @TempDir Path dir, @TempDir Path profile) throws Exception {
        String chromium = chromium();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> vms = QueryServiceIT.vmsOnEveryPartition("web-" + run + "-vm", 3);
        Fixtures.publish(platform, vms, "web-" + run + "-host");
        String lagGroup = "web-" + run + "-pipeline";
        laggingGroup(platform, lagGroup, 7);
        try (QueryService service = QueryServiceIT.start(platform, "query-web-" + run, dir, Metrics.newRegistry("serve"),
                List.of(lagGroup))) {
            int port = service.port();
            String vm = vms.get(2);
            Fixtures.await("service running", Duration.ofMinutes(3), () -> service.streams().state() == KafkaStreams.State.RUNNING);
            Fixtures.await(vm + " materialised", Duration.ofMinutes(2), () -> Fixtures.ok(port, "/api/v1/vms/" + vm + "/heatmap", "it-secret")
                    && Fixtures.ok(port, "/api/v1/vms/" + vm + "/mrc", "it-secret"));
            // The tile shows the refresher's last read, whose first runs beside the start-up: wait for it, as a user would.
            Fixtures.await("the pipeline lag read", Duration.ofMinutes(1), () -> lagOf(port, lagGroup) == 7);
            String url = "http://127.0.0.1:" + port + "/?token=it-secret#vm=" + vm;

            String dom = run(chromium, profile, "--dump-dom", url);
            assertTrue(dom.contains("data-ready=\"true\""), "the page's scripts finished a refresh: " + tail(dom));
            assertTrue(dom.contains(vm), "the fleet table lists the VM");
            assertTrue(Pattern.compile("id=\"tile-lag\"><div class=\"label\">pipeline lag</div><div class=\"value\">7 records<")
                    .matcher(dom).find(), "the pipeline lag tile shows the group's 7 unread records: " + tail(dom));
            int curvePoints = Integer.parseInt(attribute(dom, "data-mrc-count"));
            assertTrue(curvePoints > 5, "MRC plot has points: " + curvePoints);
            assertTrue(Integer.parseInt(attribute(dom, "data-heatmap-count")) > 100, "heat map has cells");

            Files.createDirectories(SCREENSHOT.getParent());
            Files.deleteIfExists(SCREENSHOT);
            run(chromium, profile, "--screenshot=" + SCREENSHOT.toAbsolutePath(), url);
            BufferedImage image = ImageIO.read(SCREENSHOT.toFile());
            int[] mrc = rect(attribute(dom, "data-mrc-rect"));
            int[] heat = rect(attribute(dom, "data-heatmap-rect"));
            // The long-horizon curve is drawn in #5cc8ff; the heat map's cells are far from its #0b0f18 background.
            long curvePixels = count(image, mrc, rgb -> near(rgb, 0x5c, 0xc8, 0xff, 40));
            assertTrue(curvePixels > 300, "pixels of the MRC line in the plot area: " + curvePixels);
            long heatPixels = count(image, heat, rgb -> !near(rgb, 0x0b, 0x0f, 0x18, 24));
            long area = (long) heat[2] * heat[3];
            assertTrue(heatPixels > area / 2, "heat map cells cover the plot: " + heatPixels + " of " + area);
        }
    }

    /** A consumer group that has read none of {@code records} records on a topic of its own. */
    /** The group's lag as /api/v1/lag answers it now; -1 while unread, stale or not answered. */
    private static long lagOf(int port, String group) {
        try {
            for (com.fasterxml.jackson.databind.JsonNode g : Fixtures.getJson(port, "/api/v1/lag", "it-secret").get("groups")) {
                if (g.get("group").asText().equals(group) && g.get("error").isNull() && !g.get("stale").asBoolean()) {
                    return g.get("lag").asLong();
                }
            }
        } catch (Exception | AssertionError notYet) {
            // not up yet: asked again
        }
        return -1;
    }

    private static void laggingGroup(Platform platform, String group, int records) throws Exception {
        Map<String, Object> client = Map.of("bootstrap.servers", platform.bootstrapServers());
        try (Admin admin = Admin.create(client);
             KafkaProducer<String, String> producer = new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
            String topic = group + "-input";
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
            }
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0))).all().get();
        }
    }

    private static String run(String chromium, Path profile, String action, String url) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--window-size=1440,2300", "--virtual-time-budget=20000",
                "--user-data-dir=" + profile, action, url));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "chromium finished");
        assertEquals(0, p.exitValue(), "chromium " + action);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Chromium from PATH; installed with apt when missing and this is root; otherwise the test is skipped with why. */
    private static String chromium() throws Exception {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        Assumptions.assumeTrue(root && apt, "no chromium on PATH and cannot install it (needs root and apt-get): "
                + "install Debian's 'chromium' package to run this test");
        for (List<String> cmd : List.of(List.of("apt-get", "update", "-qq"), List.of("apt-get", "install", "-y", "-qq", "chromium"))) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Assumptions.assumeTrue(p.waitFor(15, TimeUnit.MINUTES) && p.exitValue() == 0, "installing chromium failed: " + cmd);
        }
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "apt-get installed no /usr/bin/chromium");
        return "/usr/bin/chromium";
    }

    private static String attribute(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
        assertTrue(m.find(), name + " is set on the body: " + tail(dom));
        return m.group(1);
    }

    private static int[] rect(String value) {
        String[] parts = value.split(",");
        int[] r = new int[4];
        for (int i = 0; i < 4; i++) {
            r[i] = Integer.parseInt(parts[i].trim());
        }
        return r;
    }

    interface Pixel {
        boolean test(int rgb);
    }

    private static long count(BufferedImage image, int[] r, Pixel pixel) {
        long n = 0;
        for (int y = Math.max(0, r[1]); y < Math.min(image.getHeight(), r[1] + r[3]); y++) {
            for (int x = Math.max(0, r[0]); x < Math.min(image.getWidth(), r[0] + r[2]); x++) {
                if (pixel.test(image.getRGB(x, y))) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean near(int rgb, int r, int g, int b, int tolerance) {
        return Math.abs(((rgb >> 16) & 0xff) - r) <= tolerance && Math.abs(((rgb >> 8) & 0xff) - g) <= tolerance
                && Math.abs((rgb & 0xff) - b) <= tolerance;
    }

    private static String tail(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
