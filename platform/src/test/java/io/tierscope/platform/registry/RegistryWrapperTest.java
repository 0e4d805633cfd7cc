package io.tierscope.platform.registry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sh wrapper around the registry, exercised with {@code sleep} standing in for java. */
class RegistryWrapperTest {
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void eofOnStdinKillsTheWrappedProcess() throws Exception {
        Process wrapper = wrap("sleep", "300");
        ProcessHandle sleeper = awaitChild(wrapper, "sleep");
        wrapper.getOutputStream().close(); // what the kernel does when the parent JVM dies
        assertTrue(wrapper.waitFor(10, TimeUnit.SECONDS), "wrapper should exit after stdin EOF");
        assertTrue(sleeper.onExit().get(10, TimeUnit.SECONDS) != null);
        assertFalse(sleeper.isAlive());
    }

    @Test
    void sigtermIsForwardedToTheWrappedProcess() throws Exception {
        Process wrapper = wrap("sleep", "300");
        ProcessHandle sleeper = awaitChild(wrapper, "sleep");
        wrapper.destroy();
        assertTrue(wrapper.waitFor(10, TimeUnit.SECONDS), "wrapper should exit after SIGTERM");
        sleeper.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(sleeper.isAlive());
    }

    @Test
    void terminalInterruptAndHangupAreIgnoredUntilStdinCloses() throws Exception {
        Process wrapper = wrap("sleep", "300");
        ProcessHandle sleeper = awaitChild(wrapper, "sleep");
        for (String signal : List.of("-INT", "-HUP")) {
            signal(signal, wrapper.pid());
            signal(signal, sleeper.pid());
        }
        assertFalse(wrapper.waitFor(1, TimeUnit.SECONDS), "Ctrl-C in the parent's terminal must not stop the registry");
        assertTrue(sleeper.isAlive());
        wrapper.getOutputStream().close();
        assertTrue(wrapper.waitFor(10, TimeUnit.SECONDS));
        sleeper.onExit().get(10, TimeUnit.SECONDS);
    }

    private static void signal(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(pid)).start().waitFor());
    }

    @Test
    void exitStatusOfTheWrappedProcessIsPassedOn() throws Exception {
        Process wrapper = wrap("sh", "-c", "exit 3");
        assertTrue(wrapper.waitFor(10, TimeUnit.SECONDS));
        assertEquals(3, wrapper.exitValue());
    }

    private Process wrap(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("sh", "-c", RegistryProcess.WRAPPER, "wrapper-test"));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process.toHandle());
        return process;
    }

    private ProcessHandle awaitChild(Process wrapper, String name) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<ProcessHandle> child = wrapper.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false)).findFirst();
            if (child.isPresent()) {
                started.add(child.get());
                return child.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + name + " child under the wrapper; descendants: "
                + wrapper.descendants().map(p -> p.info().command().orElse("?")).toList());
    }
}
