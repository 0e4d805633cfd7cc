package io.tierscope.platform.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks free loopback ports for children that must be told their port up front. */
public final class FreePorts {
    private FreePorts() {
    }

    /** {@code port} itself when non-zero, otherwise a port that was free on 127.0.0.1 a moment ago. */
    public static int resolve(int port) {
        return port != 0 ? port : pick();
    }

    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        }
    }

    /** {@code count} distinct free ports: all are bound at the same time, so none repeats. */
    public static int[] pick(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no " + count + " free ports on the loopback interface", e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot release a probe socket", e);
                    }
                }
            }
        }
    }

    /** Fails with a clear message when a fixed port is already taken (a child would die on bind). */
    public static void requireFree(int port, String user) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1, wanted for the " + user
                    + ", is in use (" + e.getMessage() + "); choose another or 0 for any free port", e);
        }
    }
}
