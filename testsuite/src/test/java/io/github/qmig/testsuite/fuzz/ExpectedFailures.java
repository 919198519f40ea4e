package io.github.qmig.testsuite.fuzz;

import io.github.qmig.codec.MigrationFormatException;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** What a tools-level fuzz target may fail with: the format exception, or a decompressor's error. */
final class ExpectedFailures {

    private ExpectedFailures() {
    }

    /** Rethrows anything that is not an expected failure, so Jazzer reports it. */
    static void check(IOException e, long length) throws IOException {
        if (e instanceof MigrationFormatException f) {
            assertThat(f.offset()).isGreaterThanOrEqualTo(0);
            assertThat(f.getMessage()).contains(" at byte 0x");
            return;
        }
        if (isDecompressorError(e)) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        throw e;
    }

    /** gzip, xz and zstd report corrupt or cut input with their own IOExceptions. */
    static boolean isDecompressorError(IOException e) {
        String name = e.getClass().getName();
        return e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException
                || name.startsWith("org.tukaani.xz.") || name.startsWith("com.github.luben.zstd.");
    }
}
