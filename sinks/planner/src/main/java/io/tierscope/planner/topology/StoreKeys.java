package io.tierscope.planner.topology;

/**
 * Keys of the planner's stores. Each name is length-prefixed ("5:vm-12#"), so a prefix scan finds
 * exactly one host's or one VM's entries whatever characters the names hold, and chunk numbers are
 * zero-padded, so a VM's chunks come out in gfn order.
 */
final class StoreKeys {
    private StoreKeys() {
    }

    static String prefix(String name) {
        return name.length() + ":" + name + '#';
    }

    /** A VM's input: kind, then the chunk for chunk inputs. */
    static String vmInput(HostInput in) {
        long chunk = in.chunkIndex();
        return prefix(in.vmId()) + in.kind().ordinal() + (chunk < 0 ? "" : String.format("%019d", chunk));
    }

    /** A chunk of a VM's heat scores as one host stores them. */
    static String heatScores(String host, String vmId, long chunk) {
        return prefix(host) + prefix(vmId) + String.format("%019d", chunk);
    }

    /** A VM's input as one host stores it. */
    static String hostInput(String host, HostInput in) {
        return prefix(host) + vmInput(in);
    }
}
