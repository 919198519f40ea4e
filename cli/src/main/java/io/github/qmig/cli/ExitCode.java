package io.github.qmig.cli;

/** qmig's exit codes; scripts depend on them (issue #5), so the numbers never change. */
public enum ExitCode {
    /** Success; for {@code validate}, every file valid. */
    OK(0),
    /** A file is invalid or unreadable as a migration file. */
    INVALID(1),
    /** For {@code diff} (as diff(1) and cmp(1)): the states differ. */
    DIFFERENT(1),
    /** Bad command line. */
    USAGE(2),
    /** An I/O error (missing file, disk full) or an internal error. */
    IO_ERROR(3),
    /** For {@code diff}, where 1 means "different": a file is invalid or unreadable as a migration file. */
    INVALID_WHEN_COMPARING(4),
    /**
     * For {@code convert --salvage} and {@code extract --partial}: the input breaks off; the output
     * holds what it had up to there, and stderr says what is missing.
     */
    SALVAGED(5);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
