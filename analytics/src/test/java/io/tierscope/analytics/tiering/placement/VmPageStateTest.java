package io.tierscope.analytics.tiering.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VmPageStateTest {
    /** A placement record applied word by word marks exactly the pages a per-page loop marks. */
    @Test
    void markFastEqualsSettingPageByPage() {
        Random rnd = new Random(3);
        for (int run = 0; run < 50; run++) {
            long pages = 64 + rnd.nextInt(2000);
            VmPageState byWords = new VmPageState("vm", pages, 128);
            VmPageState byPages = new VmPageState("vm", pages, 128);
            for (int record = 0; record < 4; record++) {
                long base = rnd.nextInt((int) pages);
                byte[] nodes = new byte[(int) Math.min(1 + rnd.nextInt(300), pages - base)];
                for (int i = 0; i < nodes.length; i++) {
                    nodes[i] = (byte) (rnd.nextInt(4) - 1); // -1 (not present), 0, 1, 2
                }
                byWords.markFast(base, nodes, nodes.length, 1);
                for (int i = 0; i < nodes.length; i++) {
                    if (nodes[i] == 1) {
                        byPages.setFast(base + i, true);
                    }
                }
            }
            assertEquals(byPages.fastPages(), byWords.fastPages());
            for (long p = 0; p < pages; p++) {
                assertEquals(byPages.isFast(p), byWords.isFast(p), "page " + p);
            }
        }
    }

    @Test
    void markFastRejectsPagesOutsideTheVmAndIgnoresNodesOutOfByteRange() {
        VmPageState vm = new VmPageState("vm", 100, 64);
        assertThrows(IndexOutOfBoundsException.class, () -> vm.markFast(90, new byte[20], 20, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> vm.markFast(-1, new byte[2], 2, 0));
        vm.markFast(0, new byte[] {(byte) 200, -56}, 2, 200); // byte 200 is -56: never node 200
        assertEquals(0, vm.fastPages());
    }

    @Test
    void clearingForgetsGuardsAndPlacementButKeepsScores() {
        VmPageState vm = new VmPageState("vm", 300, 128);
        vm.setScore(5, 2.5f);
        vm.setGuard(7, PageGuard.KEEP_FAST);
        vm.setFast(7, true);
        vm.setFast(299, true);
        vm.clearGuardsAndPlacement();
        assertEquals(0, vm.fastPages());
        assertEquals(false, vm.isFast(7));
        assertEquals(false, vm.isFast(299));
        assertEquals(PageGuard.NONE, vm.guard(7));
        assertEquals(2.5f, vm.score(5));
    }
}
