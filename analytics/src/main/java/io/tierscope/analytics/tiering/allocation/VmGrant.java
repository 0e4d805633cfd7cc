package io.tierscope.analytics.tiering.allocation;

/**
 * The fast-tier grant of one VM and what its curve predicts for it.
 *
 * @param vmId              the VM
 * @param previousFastPages fast pages it held before ({@link VmDemand#currentFastPages()})
 * @param fastPages         fast pages granted
 * @param missRatioBefore   the curve's miss ratio at previousFastPages
 * @param missRatioAfter    the curve's miss ratio at fastPages
 * @param hullMissRatioAfter the convex hull's miss ratio at fastPages: what the allocation optimised, reachable
 *                           inside a cliff only by Talus-style splitting (see {@link FastMemoryAllocator})
 * @param expectedMissesBefore references x missRatioBefore
 * @param expectedMissesAfter  references x missRatioAfter
 */
public record VmGrant(String vmId, long previousFastPages, long fastPages, double missRatioBefore,
                      double missRatioAfter, double hullMissRatioAfter, double expectedMissesBefore,
                      double expectedMissesAfter) {
}
