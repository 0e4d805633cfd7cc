package io.tierscope.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the registry client authenticates and which certificates it trusts: HTTP basic auth or a static
 * bearer token (at most one), and a trust store for an https registry whose certificate the JVM's
 * default trust store does not know. Built from the serde config keys of {@link SerdeConfig}.
 */
public final class RegistryAuth {
    public static final RegistryAuth NONE = new RegistryAuth(null, null, "none");

    private final String authorization;
    private final SSLContext sslContext;
    private final String description;

    private RegistryAuth(String authorization, SSLContext sslContext, String description) {
        this.authorization = authorization;
        this.sslContext = sslContext;
        this.description = description;
    }

    /**
     * Reads the registry auth keys from {@code configs}; absent keys mean no auth and the JVM's trust store.
     *
     * @throws IllegalArgumentException on a contradictory or unsupported setting, naming the key (never its value)
     */
    public static RegistryAuth fromConfig(Map<String, ?> configs) {
        String userInfo = string(configs, SerdeConfig.BASIC_AUTH_USER_INFO);
        String basicSource = string(configs, SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE);
        String token = string(configs, SerdeConfig.BEARER_AUTH_TOKEN);
        String bearerSource = string(configs, SerdeConfig.BEARER_AUTH_CREDENTIALS_SOURCE);
        if (basicSource != null && !basicSource.equals("USER_INFO")) {
            throw new IllegalArgumentException(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE + " '" + basicSource
                    + "' is not supported: use USER_INFO with " + SerdeConfig.BASIC_AUTH_USER_INFO + "=user:password");
        }
        if (bearerSource != null && !bearerSource.equals("STATIC_TOKEN")) {
            throw new IllegalArgumentException(SerdeConfig.BEARER_AUTH_CREDENTIALS_SOURCE + " '" + bearerSource
                    + "' is not supported: use STATIC_TOKEN with " + SerdeConfig.BEARER_AUTH_TOKEN);
        }
        if (basicSource != null && userInfo == null) {
            throw new IllegalArgumentException(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO needs "
                    + SerdeConfig.BASIC_AUTH_USER_INFO + "=user:password");
        }
        if (userInfo != null && token != null) {
            throw new IllegalArgumentException("both " + SerdeConfig.BASIC_AUTH_USER_INFO + " and "
                    + SerdeConfig.BEARER_AUTH_TOKEN + " are set: give the registry one kind of credentials");
        }
        if (userInfo != null && userInfo.indexOf(':') < 0) {
            throw new IllegalArgumentException(SerdeConfig.BASIC_AUTH_USER_INFO + " must be user:password");
        }
        String authorization = null;
        String kind = "none";
        if (userInfo != null) {
            authorization = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
            kind = "basic user " + userInfo.substring(0, userInfo.indexOf(':'));
        } else if (token != null) {
            authorization = "Bearer " + token;
            kind = "bearer token";
        }
        SSLContext ssl = trustStore(configs);
        return new RegistryAuth(authorization, ssl, ssl == null ? kind : kind + ", own trust store");
    }

    /** The value of the Authorization header sent with every request, or null for none. */
    public String authorizationHeader() {
        return authorization;
    }

    void applyTo(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
    }

    HttpClient.Builder applyTo(HttpClient.Builder client) {
        return sslContext == null ? client : client.sslContext(sslContext);
    }

    @Override
    public String toString() {
        return description;
    }

    private static SSLContext trustStore(Map<String, ?> configs) {
        String location = string(configs, SerdeConfig.SSL_TRUSTSTORE_LOCATION);
        if (location == null) {
            return null;
        }
        String password = string(configs, SerdeConfig.SSL_TRUSTSTORE_PASSWORD);
        String type = string(configs, SerdeConfig.SSL_TRUSTSTORE_TYPE);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type);
            store.load(in, password == null ? null : password.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + SerdeConfig.SSL_TRUSTSTORE_LOCATION + " " + location
                    + ": " + e.getMessage());
        }
    }

    private static String string(Map<String, ?> configs, String key) {
        Object v = configs.get(key);
        if (v == null) {
            return null;
        }
        String s = v.toString().trim();
        return s.isEmpty() ? null : s;
    }
}
