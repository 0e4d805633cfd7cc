package io.tierscope.collector.cli;

import io.tierscope.cli.ClusterOptions;
import io.tierscope.collector.CollectConfigTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code collect}'s option defaults: the {@code --config} file's setting, else {@link CollectConfigTable}'s
 * default (the command line wins over both). The cluster options keep their environment variables
 * first, as every other command has them. Picocli asks after it has matched the command line, so
 * the {@code --config} option already holds its file. A file that cannot be read or holds a bad
 * setting is reported by {@link #config(Path)} when the command runs (one line, its usual exit code).
 */
public final class CollectDefaults implements IDefaultValueProvider {
    private static final Map<String, String> ENVIRONMENT_FIRST = Map.of(
            CollectConfigTable.BOOTSTRAP_SERVERS, ClusterOptions.BOOTSTRAP_ENV,
            CollectConfigTable.SCHEMA_REGISTRY, ClusterOptions.REGISTRY_ENV,
            CollectConfigTable.CLIENT_CONFIG, ClusterOptions.CLIENT_CONFIG_ENV);

    private Path file;
    private CollectConfig config;
    private Exception failure;

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String key = option.longestName().replaceFirst("^--", "");
        if (!CollectConfigTable.DEFINITION.names().contains(key)) {
            return null;
        }
        OptionSpec configOption = option.command().findOption("--config");
        String fromFile = configOption == null ? null : settings(configOption.getValue()).get(key);
        String environment = ENVIRONMENT_FIRST.get(key);
        if (environment != null) {
            String env = System.getenv(environment);
            return env != null && !env.isBlank() ? null : fromFile; // null: the option's ${env:...} default
        }
        return fromFile != null ? String.valueOf(CollectConfigTable.parse(key, fromFile)) : CollectConfigTable.defaultText(key);
    }

    /**
     * The {@code --config} file read, or null without one (read once for the defaults and the VM lines).
     *
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException when a line is wrong (file and line named)
     */
    CollectConfig config(Path path) throws IOException {
        if (path == null) {
            return null;
        }
        settings(path);
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        return config;
    }

    private Map<String, String> settings(Object path) {
        if (path == null) {
            return Map.of();
        }
        if (!path.equals(file)) {
            file = (Path) path;
            config = null;
            failure = null;
            try {
                config = CollectConfig.read(file);
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }
        return config == null ? Map.of() : config.settings();
    }
}
