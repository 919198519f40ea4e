package io.github.qmig.compat;

import java.util.Locale;

/** How a {@link CompatProblem} bears on the verdict: only errors make a file incompatible. */
public enum Severity {
    /** The target refuses the file: QEMU fails the load. */
    ERROR,
    /** The file loads, but something will need attention (a deprecated machine type). */
    WARNING,
    /** Something qmig could not decide from what it was given (offline: RAM blocks, devices). */
    INFO;

    /** {@code error}, {@code warning}, {@code info}: the name in JSON and text. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
