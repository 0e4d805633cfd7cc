package io.tierscope.platform.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The two calls the platform makes on a Confluent-compatible registry: health probe and global compatibility. */
public final class RegistryHttp {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String baseUrl;

    public RegistryHttp(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** True when {@code GET <url>/subjects} answers 200. */
    public boolean isUp() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/subjects")).timeout(TIMEOUT).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code PUT <url>/config {"compatibility": level}}; fails with the registry's answer. */
    public void setGlobalCompatibility(String level) {
        String body = "{\"compatibility\":\"" + level + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/config")).timeout(TIMEOUT)
                .header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("PUT " + baseUrl + "/config " + body + " answered "
                        + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("PUT " + baseUrl + "/config failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during PUT " + baseUrl + "/config", e);
        }
    }
}
