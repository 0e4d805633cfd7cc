package io.tierscope.app.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code tierscope} command in a JVM of its own, so that its CPU and memory can be read from /proc
 * apart from the others'. Its output goes to a log file and, line by line, to a listener.
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final Thread pump;

    private ChildJvm(String name, Process process, Path log, Thread pump) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.pump = pump;
    }

    /** Starts {@code io.tierscope.app.Main args} on this JVM's class path with {@code jvmOptions}. */
    static ChildJvm start(String name, List<String> jvmOptions, List<String> args, Path log, Consumer<String> lines)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.tierscope.app.Main");
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        PrintWriter logFile = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        Thread pump = new Thread(() -> {
            try (logFile; BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    logFile.println(line);
                    lines.accept(line);
                }
            } catch (IOException ended) {
                // the process closed its output
            }
        }, "bench-" + name + "-output");
        pump.setDaemon(true);
        pump.start();
        return new ChildJvm(name, process, log, pump);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    ProcUsage usage() {
        return ProcUsage.of(process.pid());
    }

    Path log() {
        return log;
    }

    /** SIGTERM (the command stops cleanly), then SIGKILL after {@code seconds}; waits for its last output line. */
    int stop(long seconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        pump.join(5_000);
        return process.exitValue();
    }

    /** The last lines of its log, to say why it failed. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
