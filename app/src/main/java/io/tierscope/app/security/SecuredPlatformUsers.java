package io.tierscope.app.security;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.planner.PlannerRunner;
import io.tierscope.platform.kafka.BrokerSecurity;
import io.tierscope.query.QueryService;
import io.tierscope.streams.StreamsRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * The principals of the components on the embedded secured broker: a SCRAM user per component with
 * its {@link ComponentAcls}, and a --client-config file per user under {@code <data>/clients/}.
 */
public final class SecuredPlatformUsers {
    public static final String COLLECTOR = "collector";
    public static final String STREAMS = "streams";
    public static final String READER = "reader";
    public static final String PLANNER = "planner";
    public static final String EXECUTOR = "executor";
    public static final String QUERY = "query";

    /**
     * What the components' ACLs are scoped to: the Kafka Streams application ids of streams, planner and query
     * service, and the host whose executor's group the executor user may use.
     */
    public record Scopes(String streamsApplicationId, String plannerApplicationId, String queryApplicationId,
                         String executorHost) {
        /** The commands' default application ids, and the executor of {@code executorHost}. */
        public static Scopes defaults(String executorHost) {
            return new Scopes(StreamsRunner.DEFAULT_APPLICATION_ID, PlannerRunner.DEFAULT_APPLICATION_ID,
                    QueryService.DEFAULT_APPLICATION_ID, executorHost);
        }

        /** The groups whose lag the query service shows (its --lag-groups): the streams app's and the planner's. */
        public List<String> lagGroups() {
            return List.of(streamsApplicationId, plannerApplicationId);
        }
    }

    private SecuredPlatformUsers() {
    }

    /**
     * Creates (or re-keys) the users and their ACLs with the admin credential, writes their client config
     * files, and returns them by user (the admin's too), once every user can authenticate.
     */
    public static Map<String, Path> create(BrokerSecurity security, String bootstrapServers, Scopes scopes, Path clientsDir) throws IOException, InterruptedException, ExecutionException {
        Files.createDirectories(clientsDir);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(BrokerSecurity.ADMIN, security.writeClientConfig(clientsDir.resolve(BrokerSecurity.ADMIN + ".properties"),
                BrokerSecurity.ADMIN, security.adminPassword()));
        Map<String, String> passwords = new LinkedHashMap<>();
        List<UserScramCredentialUpsertion> users = new ArrayList<>();
        for (String user : List.of(COLLECTOR, STREAMS, READER, PLANNER, EXECUTOR, QUERY)) {
            passwords.put(user, BrokerSecurity.randomSecret());
            users.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                    passwords.get(user)));
        }
        List<AclBinding> acls = new ArrayList<>(ComponentAcls.collector(COLLECTOR));
        acls.addAll(ComponentAcls.streams(STREAMS, scopes.streamsApplicationId()));
        acls.addAll(ComponentAcls.outputReader(READER));
        acls.addAll(ComponentAcls.planner(PLANNER, scopes.plannerApplicationId()));
        acls.addAll(ComponentAcls.executor(EXECUTOR, scopes.executorHost()));
        acls.addAll(ComponentAcls.queryService(QUERY, scopes.queryApplicationId(), scopes.lagGroups()));
        try (Admin admin = Admin.create(security(security, BrokerSecurity.ADMIN, security.adminPassword())
                .kafkaClientProperties(bootstrapServers))) {
            admin.alterUserScramCredentials(new ArrayList<>(users)).all().get();
            admin.createAcls(acls).all().get();
        }
        for (Map.Entry<String, String> user : passwords.entrySet()) {
            files.put(user.getKey(), security.writeClientConfig(clientsDir.resolve(user.getKey() + ".properties"),
                    user.getKey(), user.getValue()));
            awaitAuthenticates(security(security, user.getKey(), user.getValue()), bootstrapServers, user.getKey());
        }
        return files;
    }

    private static ClientSecurity security(BrokerSecurity security, String user, String password) {
        return ClientSecurity.of(security.clientSettings(user, password));
    }

    /** A new SCRAM credential reaches the broker's metadata a little after the controller accepted it. */
    private static void awaitAuthenticates(ClientSecurity client, String bootstrapServers, String user)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try (Admin admin = Admin.create(client.kafkaClientProperties(bootstrapServers))) {
                admin.describeCluster().clusterId().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
