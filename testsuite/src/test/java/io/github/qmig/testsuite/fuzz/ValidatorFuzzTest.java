package io.github.qmig.testsuite.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.input.Compression;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.validate.FileValidator;
import io.github.qmig.inspect.validate.Problem;
import io.github.qmig.inspect.validate.Severity;
import io.github.qmig.inspect.validate.ValidateOptions;
import io.github.qmig.inspect.validate.ValidationReport;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code qmig validate} on arbitrary input (any wrapper, any stream): it never throws, never
 * reports an internal error, and a report is invalid exactly when it has an error.
 */
class ValidatorFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void validate(byte[] data) throws IOException {
        if (data.length > 64 << 10) {
            return;
        }
        ValidationReport r;
        boolean compressed;
        try (MigrationInput in = MigrationInput.ofStream(new ByteArrayInputStream(data), "fuzz", 0, null)) {
            compressed = in.compression() != Compression.NONE;
            r = FileValidator.validate(in, "fuzz", ValidateOptions.defaults());
        } catch (IOException e) {
            ExpectedFailures.check(e, data.length);
            return;
        }
        assertThat(r.problems()).noneMatch(p -> p.code().equals("internal-error"));
        assertThat(r.valid()).isEqualTo(r.problems().stream().noneMatch(p -> p.severity() == Severity.ERROR));
        for (Problem p : r.problems()) { // offsets count in the decompressed stream when compressed
            assertThat(p.offset()).isBetween(-1L, compressed ? Long.MAX_VALUE : data.length);
        }
    }
}
