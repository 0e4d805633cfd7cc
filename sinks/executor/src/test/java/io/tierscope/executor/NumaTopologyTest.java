package io.tierscope.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node reader on trees laid out like /sys/devices/system/node, and on this machine's. */
class NumaTopologyTest {
    @TempDir
    Path root;

    @Test
    void hasMemoryListWinsOverOnline() throws IOException {
        // A CXL or NVM node that is online but memoryless-at-boot shows in online, not in has_memory.
        Files.writeString(root.resolve("online"), "0-3\n");
        Files.writeString(root.resolve("has_memory"), "0-1,3\n");
        Files.createDirectories(root.resolve("node0"));
        NumaTopology t = NumaTopology.read(root);
        assertEquals(List.of(0, 1, 3), t.memoryNodes());
        assertNull(t.problemWith(3, "slow"));
        String why = t.problemWith(2, "slow");
        assertTrue(why.contains("slow node 2 does not exist on this host or has no memory (nodes with memory: [0, 1, 3])"), why);
    }

    @Test
    void withoutListsTheNodeDirectoriesCount() throws IOException {
        Files.createDirectories(root.resolve("node0"));
        Files.createDirectories(root.resolve("node2"));
        Files.createDirectories(root.resolve("power"));
        Files.writeString(root.resolve("online"), "0,2\n");
        assertEquals(List.of(0, 2), NumaTopology.read(root).memoryNodes());
        Files.delete(root.resolve("online"));
        assertEquals(List.of(0, 2), NumaTopology.read(root).memoryNodes());
    }

    @Test
    void missingOrGarbledTreesSayWhat() throws IOException {
        IOException gone = assertThrows(IOException.class, () -> NumaTopology.read(root.resolve("nope")));
        assertTrue(gone.getMessage().contains("CONFIG_NUMA"), gone.getMessage());
        Files.writeString(root.resolve("has_memory"), "0-x\n");
        IOException bad = assertThrows(IOException.class, () -> NumaTopology.read(root));
        assertTrue(bad.getMessage().contains("is not a node list like '0-1,3': '0-x'"), bad.getMessage());
    }

    @Test
    void thisMachineHasNodeZero() throws IOException {
        assertTrue(NumaTopology.read(NumaTopology.DEFAULT_ROOT).hasMemory(0));
    }
}
