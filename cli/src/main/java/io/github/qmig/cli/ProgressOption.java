package io.github.qmig.cli;

import io.github.qmig.input.MigrationInput;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code --quiet} option of every command that reads a file, and the progress display it governs. */
public final class ProgressOption {

    @Option(names = {"-q", "--quiet"}, description = "No progress display (it only ever appears when stderr is a terminal).")
    boolean quiet;

    /** Shows progress of reading {@code input} on {@code err} until closed. */
    public ProgressDisplay attach(MigrationInput input, PrintWriter err) {
        return ProgressDisplay.attach(input, err, quiet);
    }
}
