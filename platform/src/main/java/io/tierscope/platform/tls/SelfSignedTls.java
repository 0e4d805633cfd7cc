package io.tierscope.platform.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, made with the JDK's own keytool (no
 * downloads, no extra library): a PKCS12 key store for the server and a PKCS12 trust store holding
 * only that certificate, for its clients. Kept in {@code dir}; made again only when missing.
 *
 * @param keyStore   the server's key and certificate (PKCS12)
 * @param trustStore the certificate alone, for clients (PKCS12)
 * @param password   the password of both stores (and of the key)
 */
public record SelfSignedTls(Path keyStore, Path trustStore, String password) {
    public static final String STORE_TYPE = "PKCS12";
    private static final String ALIAS = "tierscope";

    /**
     * The stores under {@code dir}, made now if either is missing.
     *
     * @throws IOException if keytool is missing or fails (its output in the message)
     */
    public static SelfSignedTls inDirectory(Path dir, String password) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        SelfSignedTls tls = new SelfSignedTls(dir.resolve("server.keystore.p12"), dir.resolve("client.truststore.p12"), password);
        if (Files.exists(tls.keyStore) && Files.exists(tls.trustStore)) {
            return tls;
        }
        Files.deleteIfExists(tls.keyStore);
        Files.deleteIfExists(tls.trustStore);
        Path certificate = dir.resolve("server.crt");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", tls.keyStore.toString(), "-storetype", STORE_TYPE, "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", tls.keyStore.toString(), "-storetype", STORE_TYPE,
                "-storepass", password, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", certificate.toString(),
                "-keystore", tls.trustStore.toString(), "-storetype", STORE_TYPE, "-storepass", password);
        return tls;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
        }
    }
}
