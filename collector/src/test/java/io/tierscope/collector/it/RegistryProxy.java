package io.tierscope.collector.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A schema registry address that is down until {@link #start}: nothing listens on its port, then
 * a plain HTTP forwarder to the real registry does. Stands for a registry that was not up yet
 * when a collector started, without stopping the registry every IT of this JVM shares.
 */
final class RegistryProxy implements AutoCloseable {
    private final int port;
    private final URI target;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger forwarded = new AtomicInteger();
    private HttpServer server;

    RegistryProxy(int port, String realRegistryUrl) {
        this.port = port;
        this.target = URI.create(realRegistryUrl);
    }

    /** The URL clients use: the real registry's path on this proxy's port. */
    String url() {
        return "http://127.0.0.1:" + port + target.getPath();
    }

    int forwarded() {
        return forwarded.get();
    }

    synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                URI uri = target.resolve(exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
                HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : new String[] {"Content-Type", "Accept"}) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        request.header(header, value);
                    }
                }
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                response.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
                exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
                forwarded.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
