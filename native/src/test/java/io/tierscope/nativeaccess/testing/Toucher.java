package io.tierscope.nativeaccess.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The toucher.c child process: maps pages, writes chosen ones, writes more on command. */
public final class Toucher implements AutoCloseable {
    public final int pid;
    public final long base;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private Toucher(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String[] first = out.readLine().split(" ");
        this.pid = Integer.parseInt(first[0]);
        this.base = Long.parseUnsignedLong(first[1], 16);
    }

    public static Toucher start(Path binary, int pages, int... touched) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), Integer.toString(pages)));
        for (int t : touched) {
            cmd.add(Integer.toString(t));
        }
        return new Toucher(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    public void write(int page) throws IOException {
        in.write("w " + page + "\n");
        in.flush();
        assertEquals("ok", out.readLine());
    }

    @Override
    public void close() throws IOException {
        try {
            in.write("q\n");
            in.close();
        } catch (IOException ignored) {
            // Already gone; destroy below makes sure.
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping toucher pid " + pid, e);
        }
    }
}
