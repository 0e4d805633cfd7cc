package io.tierscope.streams.eos;

import io.tierscope.streams.cli.StreamsCommand;
import java.io.IOException;
import picocli.CommandLine;

/**
 * The real {@code tierscope streams} command in a JVM of its own, for tests that SIGKILL it. Ends when its
 * stdin reaches EOF (the test JVM is gone), so no instance outlives the test.
 */
public final class StreamsChild {
    private StreamsChild() {
    }

    public static void main(String[] args) {
        Thread lifeline = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; EOF means it ended
                }
            } catch (IOException ignored) {
                // a broken pipe means the same
            }
            Runtime.getRuntime().halt(3);
        }, "parent-lifeline");
        lifeline.setDaemon(true);
        lifeline.start();
        System.exit(new CommandLine(new StreamsCommand()).execute(args));
    }
}
