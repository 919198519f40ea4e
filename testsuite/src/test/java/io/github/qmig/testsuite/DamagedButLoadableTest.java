package io.github.qmig.testsuite;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.info.InfoReport;
import io.github.qmig.inspect.validate.FileValidator;
import io.github.qmig.inspect.validate.Problem;
import io.github.qmig.inspect.validate.Severity;
import io.github.qmig.inspect.validate.ValidateOptions;
import io.github.qmig.inspect.validate.ValidationReport;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.transform.convert.StreamConverter;
import io.github.qmig.transform.extract.Extractor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real files damaged the ways users meet them: what QEMU still loads is read (and said to be
 * damaged), and what QEMU refuses is refused with the words QEMU uses, not called a truncation.
 */
class DamagedButLoadableTest {

    @TempDir
    Path dir;

    private byte[] paused() throws IOException {
        return Files.readAllBytes(Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("paused.mig")));
    }

    /** Offset of the EOF record of a file that ends with a VMDESCRIPTION: 00 06 be32 len {...}. */
    private static int eof(byte[] b) {
        for (int k = b.length - 6; k > 0; k--) {
            if (b[k] == 6 && b[k - 1] == 0 && ByteBuffer.wrap(b, k + 1, 4).getInt() + k + 5 == b.length) {
                return k - 1;
            }
        }
        throw new IllegalStateException("no VMDESCRIPTION");
    }

    private Path write(String name, byte[] b) throws IOException {
        return Files.write(dir.resolve(name), b);
    }

    private static List<String> codes(ValidationReport r) {
        return r.problems().stream().map(Problem::code).toList();
    }

    /** Converted to a stream, the damaged file gives {@code expected}: what QEMU reads, and an intact description. */
    private void convertsTo(Path damaged, byte[] expected) throws IOException {
        Path out = dir.resolve("out.mig");
        try (MigrationInput in = MigrationInput.open(damaged, 0)) {
            StreamConverter.toStream(in, out, 0, OutputOptions.defaults().withSync(false));
        }
        assertThat(Arrays.mismatch(Files.readAllBytes(out), expected)).isEqualTo(-1);
        Files.delete(out);
    }

    @Test
    void aCutDescriptionIsReadAndSaidToBeCut() throws IOException {
        byte[] b = paused();
        int eof = eof(b);
        Path cut = write("cut.mig", Arrays.copyOf(b, eof + 1 + 100));
        try (MigrationInput in = MigrationInput.open(cut, 0)) {
            InfoReport r = InfoReport.of(in);
            assertThat(r.error()).isNull();
            assertThat(r.summary().complete()).isTrue();
        }
        ValidationReport v = FileValidator.validate(cut.toString(), ValidateOptions.defaults());
        assertThat(v.valid()).as(v.problems().toString()).isTrue();
        assertThat(v.problems()).filteredOn(p -> p.code().equals("vmdesc-cut")).singleElement()
                .satisfies(p -> assertThat(p.severity()).isEqualTo(Severity.WARNING));
        convertsTo(cut, Arrays.copyOf(b, eof + 1)); // up to EOF: the cut description is not written
    }

    @Test
    void aByteAfterTheDescriptionIsTrailingData() throws IOException {
        byte[] b = paused();
        byte[] longer = Arrays.copyOf(b, b.length + 1);
        Path p = write("longer.mig", longer);
        ValidationReport v = FileValidator.validate(p.toString(), ValidateOptions.defaults());
        assertThat(v.valid()).as(v.problems().toString()).isTrue();
        assertThat(v.problems()).filteredOn(x -> x.code().equals("trailing-data")).singleElement()
                .satisfies(x -> assertThat(x.offset()).isEqualTo(b.length));
        assertThat(codes(v)).doesNotContain("vmdesc-missing");
        convertsTo(p, b);
    }

    @Test
    void aDamagedFooterIsCorruptionNotTruncation() throws IOException {
        byte[] b = paused();
        String text = new String(b, StandardCharsets.ISO_8859_1);
        int cpu = text.indexOf("\u0003cpu"); // the length byte and idstr of the FULL 'cpu' section
        assertThat(b[cpu - 5]).isEqualTo((byte) 0x04);
        assertThat(cpu).isPositive();
        int id = ByteBuffer.wrap(b, cpu - 4, 4).getInt();
        // the footer that ends the section: 7E + its id, right before the next record
        int footer = -1;
        for (int i = cpu; i < b.length - 5; i++) {
            if (b[i] == 0x7e && ByteBuffer.wrap(b, i + 1, 4).getInt() == id) {
                footer = i;
                break;
            }
        }
        assertThat(footer).isPositive();
        byte[] damaged = b.clone();
        damaged[footer] = 0x7f;
        for (Path p : List.of(write("footer.mig", damaged))) {
            try (MigrationInput in = MigrationInput.open(p, 0)) {
                InfoReport r = InfoReport.of(in);
                assertThat(r.error()).isNotNull();
                assertThat(r.error().code()).isEqualTo(MigrationFormatException.Code.FOOTER_MISSING);
                assertThat(r.error().offset()).isEqualTo(footer);
                assertThat(r.error().getMessage()).contains("missing section footer").contains("'cpu'");
            }
            // and from a pipe, where no VMDESCRIPTION helps
            try (MigrationInput in = MigrationInput.ofStream(Files.newInputStream(p), "pipe", 0, null)) {
                InfoReport r = InfoReport.of(in);
                assertThat(r.error().code()).isEqualTo(MigrationFormatException.Code.FOOTER_MISSING);
                assertThat(r.error().offset()).isEqualTo(footer);
            }
        }
    }

    @Test
    void aRenamedRamSectionIsUnknownAndThereIsNoRamToExtract() throws IOException {
        byte[] b = paused();
        String text = new String(b, StandardCharsets.ISO_8859_1);
        int ram = text.indexOf("\u0003ram");
        byte[] damaged = b.clone();
        damaged[ram + 3] = 'x';
        Path p = write("rax.mig", damaged);
        ValidationReport v = FileValidator.validate(p.toString(), ValidateOptions.defaults());
        assertThat(v.valid()).isFalse();
        assertThat(v.problems()).filteredOn(x -> x.code().equals("section-unknown")).isNotEmpty()
                .first().satisfies(x -> assertThat(x.message()).contains("Unknown savevm section or instance 'rax' 0"));
        try (MigrationInput in = MigrationInput.open(p, 0)) {
            assertThatThrownBy(() -> Extractor.extract(in, dir.resolve("blocks"), null))
                    .isInstanceOfSatisfying(MigrationFormatException.class,
                            e -> assertThat(e.code()).isEqualTo(MigrationFormatException.Code.RAM_ABSENT));
        }
        assertThat(dir.resolve("blocks")).doesNotExist();
    }

    @Test
    void aMappedRamPageSizeQemuIgnoresIsAWarning() throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.get("x86-pc-128M-mapped-ram").decompressTo(dir.resolve("m.mig")));
        String text = new String(b, StandardCharsets.ISO_8859_1);
        int entry = text.indexOf("\u0006pc.ram");
        int header = entry + 7 + 8; // after idstr and used_length: version be32, page_size be64
        assertThat(ByteBuffer.wrap(b, header + 4, 8).getLong()).isEqualTo(4096);
        ByteBuffer.wrap(b).putLong(header + 4, 8192);
        Path p = write("pagesize.mig", b);
        ValidationReport v = FileValidator.validate(p.toString(), ValidateOptions.defaults());
        assertThat(v.valid()).as(v.problems().toString()).isTrue();
        assertThat(codes(v)).contains("mapped-ram-page-size");
        try (MigrationInput in = MigrationInput.open(p, 0)) {
            assertThat(Extractor.extract(in, dir.resolve("x"), null, OutputOptions.defaults().withSync(false)))
                    .isNotEmpty();
        }
    }
}
