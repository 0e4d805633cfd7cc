package io.tierscope.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformsTest {

    @Test
    void bothVariablesSelectTheExternalPlatform(@TempDir Path dir) {
        Platform platform = Platforms.fromEnvironment(PlatformConfig.builder().dataDir(dir).build(), Map.of(
                Platforms.BOOTSTRAP_ENV, "kafka:9092", Platforms.REGISTRY_ENV, "http://registry:8080/apis/ccompat/v7"));
        assertEquals(new ExternalPlatform("kafka:9092", "http://registry:8080/apis/ccompat/v7"), platform);
        assertFalse(platform.embedded());
        platform.close();
    }

    @Test
    void halfAConfigurationIsAnError(@TempDir Path dir) {
        PlatformConfig config = PlatformConfig.builder().dataDir(dir).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Platforms.fromEnvironment(config, Map.of(Platforms.BOOTSTRAP_ENV, "kafka:9092")));
        assertTrue(e.getMessage().contains(Platforms.REGISTRY_ENV + " is not"), e.getMessage());
        IllegalStateException blank = assertThrows(IllegalStateException.class, () -> Platforms.fromEnvironment(config,
                Map.of(Platforms.BOOTSTRAP_ENV, " ", Platforms.REGISTRY_ENV, "http://r")));
        assertTrue(blank.getMessage().contains(Platforms.BOOTSTRAP_ENV + " is not"), blank.getMessage());
    }

    @Test
    void configValidatesPortsAndDefaultsToAFreshDataDir() {
        PlatformConfig defaults = PlatformConfig.builder().build();
        assertTrue(Files.isDirectory(defaults.dataDir()));
        assertEquals(0, defaults.kafkaPort());
        assertEquals(PlatformConfig.DEFAULT_STARTUP_TIMEOUT, defaults.startupTimeout());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> PlatformConfig.builder().dataDir(defaults.dataDir()).registryPort(-1).build());
        assertTrue(negative.getMessage().contains("registryPort") && negative.getMessage().contains("-1"), negative.getMessage());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> PlatformConfig.builder().dataDir(defaults.dataDir()).kafkaPort(9092).controllerPort(9092).build());
        assertTrue(same.getMessage().contains("must differ"), same.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ExternalPlatform("", "http://r"));
    }
}
