package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.app.security.ComponentAcls;
import io.tierscope.app.security.SecuredPlatformUsers;
import io.tierscope.topics.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/compose.secured.yaml cannot run here (no Docker engine), so its parts are checked: both compose files
 * parse as YAML, the secured one has every service of the open one, each Tierscope service runs with a client
 * config of its own user, and its script docker/secured/create-users.sh creates exactly the Topic enum's topics
 * and exactly ComponentAcls' ACLs.
 */
class ComposeSecuredTest {
    private static final Path DOCKER = Path.of("..", "docker");

    @Test
    void theSecuredComposeFileHasEveryServiceOfTheOpenOneAndEachAppRunsAsItsOwnUser() throws IOException {
        Map<String, Object> open = services(DOCKER.resolve("compose.yaml"));
        Map<String, Object> secured = services(DOCKER.resolve("compose.secured.yaml"));
        assertTrue(secured.keySet().containsAll(open.keySet()), "missing: " + open.keySet().stream()
                .filter(s -> !secured.containsKey(s)).toList());
        Map<String, String> configs = new TreeMap<>();
        secured.forEach((name, definition) -> {
            Map<?, ?> service = (Map<?, ?>) definition;
            if ("tierscope-app:dev".equals(service.get("image"))) {
                configs.put(name, String.valueOf(((Map<?, ?>) service.get("environment")).get("KAFKA_CLIENT_CONFIG")));
            }
        });
        assertEquals(Map.of(
                "collector", "/etc/tierscope/clients/" + SecuredPlatformUsers.COLLECTOR + ".properties",
                "streams", "/etc/tierscope/clients/" + SecuredPlatformUsers.STREAMS + ".properties",
                "planner", "/etc/tierscope/clients/" + SecuredPlatformUsers.PLANNER + ".properties",
                "query", "/etc/tierscope/clients/" + SecuredPlatformUsers.QUERY + ".properties",
                "inventory", "/etc/tierscope/clients/admin.properties"), configs);
    }

    @Test
    void theUsersScriptCreatesTheTopicEnumsTopicsAndComponentAclsAcls() throws IOException {
        List<String> lines = Files.readAllLines(DOCKER.resolve("secured").resolve("create-users.sh"));
        Set<String> topics = new TreeSet<>();
        Set<String> acls = new TreeSet<>();
        for (String line : lines) {
            if (line.startsWith("topic ")) {
                topics.add(line);
            } else if (line.startsWith("acl ")) {
                acls.add(line);
            }
        }
        Set<String> expectedTopics = new TreeSet<>();
        for (Topic topic : Topic.values()) {
            String configs = new TreeMap<>(topic.configs()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(","));
            expectedTopics.add("topic " + topic.topicName() + " " + configs);
        }
        assertEquals(expectedTopics, topics);

        List<AclBinding> bindings = new ArrayList<>(ComponentAcls.collector(SecuredPlatformUsers.COLLECTOR));
        SecuredPlatformUsers.Scopes scopes = SecuredPlatformUsers.Scopes.defaults("synthetic"); // the collector's --host
        bindings.addAll(ComponentAcls.streams(SecuredPlatformUsers.STREAMS, scopes.streamsApplicationId()));
        bindings.addAll(ComponentAcls.outputReader(SecuredPlatformUsers.READER));
        bindings.addAll(ComponentAcls.planner(SecuredPlatformUsers.PLANNER, scopes.plannerApplicationId()));
        bindings.addAll(ComponentAcls.executor(SecuredPlatformUsers.EXECUTOR, scopes.executorHost()));
        bindings.addAll(ComponentAcls.queryService(SecuredPlatformUsers.QUERY, scopes.queryApplicationId(), scopes.lagGroups()));
        Set<String> expectedAcls = new TreeSet<>();
        for (AclBinding b : bindings) {
            expectedAcls.add(String.join(" ", "acl", b.entry().principal().substring("User:".length()),
                    b.entry().operation().name(), b.pattern().resourceType().name(), b.pattern().name(),
                    b.pattern().patternType().name()));
        }
        assertEquals(expectedAcls, acls);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services(Path file) throws IOException {
        Map<String, Object> compose = new Yaml(new LoaderOptions()).load(Files.readString(file));
        return (Map<String, Object>) compose.get("services");
    }
}
