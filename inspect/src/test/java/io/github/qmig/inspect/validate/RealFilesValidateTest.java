package io.github.qmig.inspect.validate;

import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every file QEMU wrote and loaded back (testdata/) validates as valid, plain and compressed. */
class RealFilesValidateTest {

    static Stream<Fixture> loadedBack() {
        List<Fixture> all = Fixtures.list();
        return all.stream().filter(f -> f.metadata().loadVerified());
    }

    @ParameterizedTest
    @MethodSource("loadedBack")
    void validatesAsValid(Fixture f) throws IOException {
        ValidateOptions options = ValidateOptions.defaults().withOffset(f.metadata().uriOffset());
        ValidationReport compressed = FileValidator.validate(f.compressed().toString(), options);
        assertThat(compressed.problems()).as(f.name()).noneMatch(p -> p.severity() == Severity.ERROR);
        assertThat(compressed.summary().complete()).isTrue();
        assertThat(compressed.summary().input()).isEqualTo("zstd");
        Path plain = f.decompressToTemp();
        try {
            ValidationReport r = FileValidator.validate(plain.toString(), options);
            assertThat(r.problems()).as(f.name()).noneMatch(p -> p.severity() == Severity.ERROR);
            assertThat(r.valid()).isTrue();
            assertThat(r.summary().format()).isEqualTo(f.metadata().mappedRam() ? "mapped-ram" : "stream");
        } finally {
            Files.deleteIfExists(plain);
        }
    }
}
