package io.github.qmig.inspect.validate;

import java.util.List;
import java.util.Objects;

/**
 * The verdict on one file.
 *
 * @param file     the file name as given ({@code -} is shown as {@code <stdin>})
 * @param problems every problem, in the order found
 * @param summary  what was read
 */
public record ValidationReport(String file, List<Problem> problems, Summary summary) {

    /**
     * What was read.
     *
     * @param input     how the input was read: plain, zstd, gzip, xz, libvirt, libvirt+zstd, ...
     * @param format    {@code stream} or {@code mapped-ram}
     * @param machine   the machine type from the configuration, or null
     * @param bytesRead bytes of the (decompressed) stream read
     * @param complete  whether the EOF record was reached
     * @param vmdesc    whether a VMDESCRIPTION was read
     * @param sections  distinct section ids
     * @param ramRecords RAM page records (or mapped-ram pages) read
     * @param ioError   whether the file could not be read at all (missing, unreadable) or validation
     *                  failed internally: exit code 3 rather than 1
     */
    public record Summary(String input, String format, String machine, long bytesRead, boolean complete,
                          boolean vmdesc, int sections, long ramRecords, boolean ioError) {
    }

    public ValidationReport {
        Objects.requireNonNull(file, "file");
        problems = List.copyOf(problems);
        Objects.requireNonNull(summary, "summary");
    }

    /** No error (warnings and infos allowed). */
    public boolean valid() {
        return count(Severity.ERROR) == 0;
    }

    public long count(Severity s) {
        return problems.stream().filter(p -> p.severity() == s).count();
    }

    /** The first error, or null. */
    public Problem firstError() {
        return problems.stream().filter(p -> p.severity() == Severity.ERROR).findFirst().orElse(null);
    }
}
