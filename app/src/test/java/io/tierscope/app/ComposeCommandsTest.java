package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/compose.yaml runs what exists: every app service's command parses as a tierscope
 * command line with the options it has today, and the services are the ones the file's header
 * advertises.
 */
class ComposeCommandsTest {
    private static final Path COMPOSE = Path.of("..", "docker", "compose.yaml");
    /** A service name at two spaces, then its command array, possibly over several lines. */
    private static final Pattern SERVICE = Pattern.compile("(?m)^  ([a-z-]+):\\n((?:(?:    .*)?\\n)*)");
    private static final Pattern COMMAND = Pattern.compile("command: \\[([^\\]]*)\\]", Pattern.DOTALL);
    private static final Pattern ITEM = Pattern.compile("\"([^\"]*)\"");

    @Test
    void everyAppServiceRunsAnExistingCommandWithExistingOptions() throws Exception {
        Map<String, List<String>> commands = appCommands(Files.readString(COMPOSE));
        assertEquals(List.of("collector", "streams", "inventory", "planner", "query"), List.copyOf(commands.keySet()));
        for (Map.Entry<String, List<String>> e : commands.entrySet()) {
            String[] args = e.getValue().toArray(String[]::new);
            assertDoesNotThrow(() -> Main.commandLine().parseArgs(args), "service " + e.getKey() + ": " + e.getValue());
        }
        assertEquals("serve", commands.get("query").get(0), "the dashboard on :8088 is the query service");
    }

    private static Map<String, List<String>> appCommands(String yaml) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher service = SERVICE.matcher(yaml);
        while (service.find()) {
            String body = service.group(2);
            Matcher command = COMMAND.matcher(body);
            if (!body.contains("<<: *app") || !command.find()) {
                continue;
            }
            List<String> args = new ArrayList<>();
            Matcher item = ITEM.matcher(command.group(1));
            while (item.find()) {
                args.add(item.group(1));
            }
            out.put(service.group(1), args);
        }
        return out;
    }
}
