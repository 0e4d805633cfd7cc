package io.tierscope.planner.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.HostInventory;
import io.tierscope.avro.VmInventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventorySpecTest {
    @TempDir
    Path dir;

    @Test
    void vmArgumentReadsEveryFieldAndDefaultsTheRest() {
        VmInventory vm = InventorySpec.vmArgument("web-1:pid=4242,memory=1048576,shares=2000,reservation=65536,limit=524288");
        assertEquals("web-1", vm.getVmId());
        assertEquals(4242, vm.getPid());
        assertEquals(1048576, vm.getMemoryPages());
        assertEquals(2000, vm.getShares());
        assertEquals(65536, vm.getReservationPages());
        assertEquals(524288, vm.getLimitPages());

        VmInventory plain = InventorySpec.vmArgument("db:memory=100");
        assertEquals(0, plain.getPid());
        assertEquals(1000, plain.getShares());
        assertEquals(0, plain.getReservationPages());
        assertEquals(0, plain.getLimitPages());
    }

    @Test
    void fileFormatGivesTheSameInventoryAsTheOptions() throws Exception {
        Path file = dir.resolve("host.properties");
        Files.writeString(file, String.join("\n",
                "# host-17's tiers", "host = host-17", "fast.node = 0", "slow.node = 2", "fast.pages = 1000",
                "budget.pages.per.sec = 50", "vm.a = memory=800,shares=3000,reservation=100", "vm.b = memory=600,pid=7"));
        HostInventory fromFile = InventorySpec.fromFile(file, 5);
        HostInventory fromOptions = InventorySpec.build("host-17", 0, 2, 1000, 50, 4096,
                List.of(InventorySpec.vmArgument("a:memory=800,shares=3000,reservation=100"),
                        InventorySpec.vmArgument("b:memory=600,pid=7")), 5);
        assertEquals(fromOptions, fromFile);
    }

    @Test
    void badInputIsOneLineNamingTheField() {
        assertMessage("memory=PAGES is required", () -> InventorySpec.vmArgument("a:pid=3"));
        assertMessage("must look like ID:", () -> InventorySpec.vmArgument("memory=3"));
        assertMessage("\"size=3\" is not KEY=NUMBER", () -> InventorySpec.vmArgument("a:memory=3,size=3"));
        assertMessage("VM a memory must be a whole number, got \"lots\"", () -> InventorySpec.vmArgument("a:memory=lots"));
        assertMessage("memory given twice", () -> InventorySpec.vmArgument("a:memory=3,memory=4"));
        assertMessage("shares must be 1 to", () -> InventorySpec.vmArgument("a:memory=3,shares=0"));
        VmInventory a = InventorySpec.vmArgument("a:memory=100");
        assertMessage("fast and slow node are both 1", () -> build(1, 1, 10, a));
        assertMessage("slow node must be 0 to 127", () -> build(0, 128, 10, a));
        assertMessage("fast pages must be >= 1", () -> build(0, 1, 0, a));
        assertMessage("VM a listed twice", () -> build(0, 1, 10, a, a));
        assertMessage("limit 200 exceeds its memory 100", () -> build(0, 1, 10, InventorySpec.vmArgument("a:memory=100,limit=200")));
        assertMessage("reservation 60 exceeds its limit 50",
                () -> build(0, 1, 100, InventorySpec.vmArgument("a:memory=100,reservation=60,limit=50")));
        assertMessage("reservations add up to 120 pages, more than the 100 fast pages",
                () -> build(0, 1, 100, InventorySpec.vmArgument("a:memory=100,reservation=60"),
                        InventorySpec.vmArgument("b:memory=100,reservation=60")));
        assertMessage("page size must be a power of two", () -> InventorySpec.build("h", 0, 1, 10, 0, 3000, List.of(), 0));
        assertMessage("migration budget must be >= 0", () -> InventorySpec.build("h", 0, 1, 10, -1, 4096, List.of(), 0));
    }

    @Test
    void fileProblemsNameTheFileAndKey() throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "host = h\nfast.node = 0\nslow.node = 1\nfast.pages = 10\nbudget = 5\n");
        assertMessage("unknown key \"budget\"", () -> InventorySpec.fromFile(file, 0));
        Files.writeString(file, "host = h\nfast.node = 0\nslow.node = 1\nfast.pages = 10\n");
        assertMessage("budget.pages.per.sec is missing", () -> InventorySpec.fromFile(file, 0));
    }

    private static HostInventory build(int fast, int slow, long fastPages, VmInventory... vms) {
        return InventorySpec.build("h", fast, slow, fastPages, 10, 4096, List.of(vms), 0);
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), () -> "message \"" + e.getMessage() + "\" lacks \"" + part + "\"");
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
