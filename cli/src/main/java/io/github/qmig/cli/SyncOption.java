package io.github.qmig.cli;

import io.github.qmig.output.OutputOptions;
import picocli.CommandLine.Option;

/** The {@code --no-sync} option of the commands that write files. */
public final class SyncOption {

    @Option(names = "--no-sync",
            description = "Do not fsync the output before renaming it into place: faster (like cp), but a power "
                    + "loss soon after can leave it empty or partial.")
    boolean noSync;

    /** {@code options} with syncing as the command line says. */
    public OutputOptions apply(OutputOptions options) {
        return options.withSync(!noSync);
    }
}
