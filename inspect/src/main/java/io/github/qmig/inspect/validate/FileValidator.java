package io.github.qmig.inspect.validate;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.input.Compression;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code qmig validate} as a library call: opens a file (plain, compressed, libvirt, a qcow2 image's
 * snapshot, or {@code -} for standard input), streams it once through a {@link Validator}, and never throws for a bad
 * file: every failure becomes a problem in the report.
 */
public final class FileValidator {

    private FileValidator() {
    }

    /** Validates one file. */
    public static ValidationReport validate(String file, ValidateOptions options) {
        String name = file.equals("-") ? MigrationInput.STDIN : file;
        List<Problem> problems = new ArrayList<>();
        MigrationInput input;
        try {
            input = MigrationInput.open(file, options.offset(), options.limits(), options.snapshot());
        } catch (MigrationFormatException e) {
            problems.add(Problem.of(e));
            return new ValidationReport(name, problems, summary(null, null, null, false));
        } catch (IOException e) {
            problems.add(ioProblem(e));
            return new ValidationReport(name, problems, summary(null, null, null, !isDecompressorError(e)));
        }
        try (input) {
            return validate(input, name, options);
        } catch (IOException e) {
            problems.add(ioProblem(e)); // closing failed
            return new ValidationReport(name, problems, summary(input, null, null, true));
        }
    }

    /** Validates an opened input; closing it is the caller's business. */
    public static ValidationReport validate(MigrationInput input, String name, ValidateOptions options) {
        MigrationReader reader;
        try {
            reader = input.reader(RamSectionCodec.register(
                    io.github.qmig.codec.ReadOptions.defaults().withLimits(options.limits())));
        } catch (MigrationFormatException e) {
            return new ValidationReport(name, List.of(Problem.of(e)), summary(input, null, null, false));
        } catch (IOException e) {
            return new ValidationReport(name, List.of(ioProblem(e)), summary(input, null, null, !isDecompressorError(e)));
        }
        long size = -1;
        try {
            size = input.source().size();
        } catch (IOException e) {
            // unknown size: the checks that need it are skipped
        }
        Validator v = new Validator(options, size, input.libvirt(), input.increment());
        boolean ioError = false;
        List<Problem> extra = new ArrayList<>();
        try {
            reader.feed(v);
        } catch (MigrationFormatException e) {
            v.readerFailed(e);
        } catch (IOException e) {
            extra.add(ioProblem(e));
            ioError = !isDecompressorError(e);
        } catch (RuntimeException | StackOverflowError e) {
            extra.add(Problem.of(ProblemCode.INTERNAL_ERROR, reader.position(), null, "internal error: %s", e));
            ioError = true;
        }
        List<Problem> all = new ArrayList<>(v.problems());
        all.addAll(extra);
        return new ValidationReport(name, all, summary(input, reader, v, ioError));
    }

    private static ValidationReport.Summary summary(MigrationInput in, MigrationReader r, Validator v, boolean ioError) {
        return new ValidationReport.Summary(in == null ? null : in.kind(),
                v == null ? null : v.mappedRam() ? "mapped-ram" : "stream", v == null ? null : v.machine(),
                r == null ? 0 : r.position(), v != null && v.eof(), v != null && v.vmdescSeen(),
                v == null ? 0 : v.sectionIds(), v == null ? 0 : v.ramRecords(), ioError);
    }

    /** gzip, xz and zstd report corrupt or cut input with their own IOExceptions. */
    static boolean isDecompressorError(IOException e) {
        return Compression.isCorruptData(e);
    }

    private static Problem ioProblem(IOException e) {
        if (isDecompressorError(e)) {
            return Problem.of(ProblemCode.COMPRESSED_DATA_INVALID, -1, null, "compressed data is corrupt or cut short: %s",
                    e.getMessage() == null ? e.toString() : e.getMessage());
        }
        String why;
        if (e instanceof NoSuchFileException f) {
            why = "no such file";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else {
            why = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        return Problem.of(ProblemCode.IO_ERROR, -1, null, "cannot read: %s", why);
    }
}
