package io.github.qmig.cli;

import io.github.qmig.transform.salvage.SalvageReport;

import java.io.PrintWriter;

/** How {@code convert --salvage} and {@code extract --partial} end: exit 0 for a whole input, else the report and 5. */
public final class Salvaged {

    private Salvaged() {
    }

    /** Says on {@code err} why the input broke off and what the output lacks; the exit code. */
    public static int say(SalvageReport report, PrintWriter err) {
        if (report == null) {
            return ExitCode.OK.code();
        }
        err.println("qmig: " + report.cut().getMessage());
        for (String line : report.lines()) {
            err.println("qmig: " + line);
        }
        err.flush();
        return ExitCode.SALVAGED.code();
    }
}
