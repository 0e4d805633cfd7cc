package io.tierscope.app;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tierscope completion}: the bash (and zsh, via bashcompinit) completion script of every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash completion script for tierscope: its commands, options and option values.",
                "Load it now with: source <(./tierscope completion); or install it, e.g.:",
                "./tierscope completion > /etc/bash_completion.d/tierscope"})
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash(root.getCommandName(), root);
        // The generated script ends each line with '\n'; print it as it is (no platform line ends).
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
