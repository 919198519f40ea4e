package io.github.qmig.cli;

import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.qcow2.SnapshotChoice;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * The {@code --snapshot} option of every command that reads a migration file: in a qcow2 image,
 * read the VM state of this internal snapshot ({@code IMAGE@NAME} does the same without it). A
 * command gets it by mixing this in and opening its input with {@link #open}.
 */
public final class SnapshotOption {

    @Option(names = "--snapshot", paramLabel = "ID|NAME",
            description = "In a qcow2 image, read the VM state of this internal snapshot: an ID first, then a name "
                    + "(FILE@NAME works too, unless a file of that name exists).")
    String snapshot;

    /** The snapshot asked for, or null. */
    public String snapshot() {
        return snapshot;
    }

    /** Opens {@code file} at {@code offset}, in a qcow2 image this snapshot; says on {@code err} how an ambiguous key was read. */
    public MigrationInput open(String file, long offset, PrintWriter err) throws IOException {
        MigrationInput in = MigrationInput.open(file, offset, ReadLimits.defaults(), snapshot);
        SnapshotChoice c = in.qcow2();
        if (c != null && c.note() != null) {
            err.println("qmig: note: " + c.note() + "; reading snapshot " + c.snapshot().describe());
            err.flush();
        }
        return in;
    }
}
