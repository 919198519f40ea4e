package io.github.qmig.cli;

import io.github.qmig.input.MigrationInput;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The progress display of every command that reads a file, governed by the global
 * {@code -q/--quiet} (an option of {@code qmig} that every command inherits, before or after
 * the command's name).
 */
public final class ProgressOption {

    private ProgressOption() {
    }

    /** Shows progress of reading {@code input} on the command's stderr until closed, unless quiet. */
    public static ProgressDisplay attach(CommandSpec command, MigrationInput input) {
        Object root = command.root().userObject();
        boolean quiet = root instanceof QmigCli q && q.quiet();
        return ProgressDisplay.attach(input, command.commandLine().getErr(), quiet);
    }
}
