package io.github.qmig.inspect.validate;

import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.MigrationInput;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ValidatorTest {

    static ValidationReport validate(byte[] data, ValidateOptions options) throws IOException {
        try (MigrationInput in = MigrationInput.ofStream(new ByteArrayInputStream(data), "t.mig", 0, null)) {
            return FileValidator.validate(in, "t.mig", options);
        }
    }

    static ValidationReport validate(TestStreams s) throws IOException {
        return validate(s.toByteArray(), ValidateOptions.defaults());
    }

    static List<String> codes(ValidationReport r) {
        return r.problems().stream().map(Problem::code).toList();
    }

    static Problem only(ValidationReport r, String code) {
        List<Problem> ps = r.problems().stream().filter(p -> p.code().equals(code)).toList();
        assertThat(ps).as("problems %s", r.problems()).hasSize(1);
        return ps.get(0);
    }

    @Test
    void acceptsACompleteStream() throws IOException {
        ValidationReport r = validate(TestStreams.valid());
        assertThat(r.problems()).isEmpty();
        assertThat(r.valid()).isTrue();
        assertThat(r.summary().complete()).isTrue();
        assertThat(r.summary().ramRecords()).isEqualTo(5);
    }

    @Test
    void reportsPagesNeverSent() throws IOException {
        TestStreams s = TestStreams.header().config().ramStart(4)
                .part(1).fullPage(0, false).zeroPage(2, true).eos().footer(1)
                .end(1).eos().footer(1).timer(0).eof().vmdesc(TestStreams.TIMER_JSON);
        ValidationReport r = validate(s);
        Problem p = only(r, "ram-page-missing");
        assertThat(p.message()).contains("2 of 4 pages").contains("first at block offset 0x1000");
        assertThat(p.offset()).isEqualTo(0x1b + 17 + 8); // the block entry, after the START header and MEM_SIZE
        assertThat(r.valid()).isFalse();
    }

    @Test
    void reportsTruncationAtTheEndOfTheInput() throws IOException {
        byte[] all = TestStreams.valid().toByteArray();
        byte[] cut = java.util.Arrays.copyOf(all, 200);
        ValidationReport r = validate(cut, ValidateOptions.defaults());
        Problem p = only(r, "truncated");
        assertThat(p.offset()).isEqualTo(200);
        assertThat(p.section().idstr()).isEqualTo("ram");
    }

    @Test
    void reportsBadMagicAtZero() throws IOException {
        ValidationReport r = validate("NOPE\0\0\0\3".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                ValidateOptions.defaults());
        assertThat(codes(r)).containsExactly("bad-magic");
        assertThat(r.problems().get(0).offset()).isZero();
    }

    @Test
    void reportsPartAfterEndAndSecondStart() throws IOException {
        TestStreams s = TestStreams.header().config().ramStart(1)
                .part(1).zeroPage(0, false).eos().footer(1).end(1).eos().footer(1)
                .part(1).eos().footer(1)
                .start(1, "ram", 0, 4).u64(4096 | 4).counted("pc.ram").u64(4096).eos().footer(1)
                .timer(0).eof();
        ValidationReport r = validate(s);
        assertThat(only(r, "section-not-started").message()).contains("which an END already closed");
        assertThat(codes(r)).contains("section-started-twice", "ram-block-list-repeated");
    }

    @Test
    void reportsSectionsNeverEnded() throws IOException {
        TestStreams s = TestStreams.header().config().ramStart(1)
                .start(2, "dirty-bitmap", 0, 1).u8(0x01).footer(2)
                .part(1).zeroPage(0, false).eos().footer(1).end(1).eos().footer(1).eof();
        Problem p = only(validate(s), "section-not-ended");
        assertThat(p.section().idstr()).isEqualTo("dirty-bitmap");
    }

    @Test
    void acceptsABackgroundSnapshotWithoutEndSections() throws IOException {
        TestStreams s = TestStreams.header().config().ramStart(1)
                .part(1).zeroPage(0, false).eos().footer(1).timer(0).eof();
        ValidationReport r = validate(s);
        assertThat(r.valid()).isTrue();
        assertThat(codes(r)).contains("background-snapshot", "vmdesc-missing");
    }

    @Test
    void reportsFootersMissingOnSomeSections() throws IOException {
        TestStreams s = TestStreams.header().config().start(1, "ram", 0, 4).u64(4096 | 4).counted("pc.ram")
                .u64(4096).eos() // no footer
                .part(1).zeroPage(0, false).eos().footer(1).end(1).eos().footer(1).eof();
        Problem p = only(validate(s), "footer-missing");
        assertThat(p.offset()).isEqualTo(0x1b);
    }

    @Test
    void checksTheDescriptionAgainstTheSections() throws IOException {
        String json = TestStreams.TIMER_JSON.replace("\"version\":2", "\"version\":3").replace("\"size\":8", "\"size\":4");
        TestStreams s = TestStreams.header().config().ramStart(1).part(1).zeroPage(0, false).eos().footer(1)
                .end(1).eos().footer(1).timer(0).eof().vmdesc(json);
        ValidationReport r = validate(s);
        assertThat(codes(r)).containsExactlyInAnyOrder("vmdesc-version-mismatch", "vmdesc-size-mismatch");
        assertThat(only(r, "vmdesc-size-mismatch").severity()).isEqualTo(Severity.WARNING);
        ValidationReport strict = validate(s.toByteArray(), ValidateOptions.defaults().withStrict(true));
        assertThat(strict.problems()).allMatch(p -> p.severity() == Severity.ERROR);

        TestStreams other = TestStreams.header().config().ramStart(1).part(1).zeroPage(0, false).eos().footer(1)
                .end(1).eos().footer(1).timer(0).eof().vmdesc(TestStreams.TIMER_JSON.replace("\"timer\",\"instance_id\"", "\"rtc\",\"instance_id\""));
        assertThat(codes(validate(other))).contains("vmdesc-device-mismatch");
        TestStreams broken = TestStreams.header().config().ramStart(1).part(1).zeroPage(0, false).eos().footer(1)
                .end(1).eos().footer(1).eof().vmdesc("{\"devices\":[}");
        assertThat(codes(validate(broken))).contains("vmdesc-invalid");
    }

    @Test
    void decodesXbzrleAndChecksZeroPages() throws IOException {
        TestStreams s = TestStreams.header().config().ramStart(2)
                .part(1).fullPage(0, false).u64(PAGE | 0x22).u8(7)
                .xbzrle(0, (byte) 0, (byte) 0).eos().footer(1).end(1).eos().footer(1).eof();
        ValidationReport r = validate(s);
        assertThat(codes(r)).contains("ram-zero-fill", "ram-xbzrle-invalid");
    }

    private static final int PAGE = TestStreams.PAGE;

    @Test
    void reportsUnknownCommands() throws IOException {
        TestStreams s = TestStreams.header().config().command(42).eof();
        Problem p = only(validate(s), "command-invalid");
        assertThat(p.offset()).isEqualTo(0x1b + 1);
    }

    @Test
    void reportsMissingConfiguration() throws IOException {
        TestStreams s = TestStreams.header().timer(0).eof();
        ValidationReport r = validate(s);
        assertThat(only(r, "configuration-missing").offset()).isEqualTo(8);
        assertThat(r.valid()).isTrue();
        assertThat(validate(s.toByteArray(), ValidateOptions.defaults().withStrict(true)).valid()).isFalse();
    }

    @Test
    void checksTheMappedRamLayout() throws IOException {
        // block of 8 pages; bitmap bit 9 (past the block) set; pages 4 KiB aligned, not 1 MiB aligned
        TestStreams s = TestStreams.header().config("pc-i440fx-10.0", "mapped-ram")
                .start(1, "ram", 0, 4).u64(8L * PAGE | 4).counted("pc.ram").u64(8L * PAGE);
        long header = s.size();
        long bitmap = header + 28;
        long pages = (bitmap + 8 + PAGE - 1) / PAGE * PAGE;
        s.u32(1).u64(PAGE).u64(bitmap).u64(pages).u8(0x01).u8(0x02).zeros(6).zeros((int) (pages - bitmap - 8))
                .zeros(8 * PAGE).eos().footer(1).part(1).eos().footer(1).end(1).eos().footer(1).eof();
        ValidationReport r = validate(s);
        assertThat(codes(r)).contains("mapped-ram-misaligned", "mapped-ram-bitmap-excess");
        assertThat(only(r, "mapped-ram-bitmap-excess").offset()).isEqualTo(bitmap + 1);
        assertThat(r.summary().format()).isEqualTo("mapped-ram");
    }

    @Test
    void boundsRepeatedProblems() throws IOException {
        TestStreams s = TestStreams.header().config().ramStart(64).part(1);
        for (int i = 0; i < 64; i++) {
            s.u64((long) i * PAGE | 0x02 | (i > 0 ? 0x20 : 0));
            if (i == 0) {
                s.counted("pc.ram");
            }
            s.u8(1);
        }
        s.eos().footer(1).end(1).eos().footer(1).eof();
        ValidationReport r = validate(s);
        assertThat(r.problems().stream().filter(p -> p.code().equals("ram-zero-fill")))
                .hasSize(ReadLimits.defaults().maxRepeatedProblems() + 1);
    }

    @Test
    void readerErrorsGetSpecificCodes() throws IOException {
        TestStreams footer = TestStreams.header().config().start(1, "ram", 0, 4).u64(PAGE | 4).counted("pc.ram")
                .u64(PAGE).eos().footer(7);
        assertThat(codes(validate(footer))).containsExactly("footer-mismatch");
        assertThat(codes(validate(TestStreams.header().config().part(9).eof()))).containsExactly("section-not-started");
        assertThat(codes(validate(TestStreams.header().config().u8(0x42)))).containsExactly("record-type-invalid");
        TestStreams unknownBlock = TestStreams.header().config().ramStart(1).part(1).u64(0x02).counted("vga.vram").u8(0);
        assertThat(codes(validate(unknownBlock))).containsExactly("ram-block-unknown");
        TestStreams outside = TestStreams.header().config().ramStart(1).part(1).zeroPage(1, false);
        assertThat(codes(validate(outside))).containsExactly("ram-page-outside-block");
        TestStreams mappedVersion = TestStreams.header().config("pc-i440fx-10.0", "mapped-ram")
                .start(1, "ram", 0, 4).u64(PAGE | 4).counted("pc.ram").u64(PAGE).u32(2).zeros(24);
        assertThat(codes(validate(mappedVersion))).containsExactly("mapped-ram-version");
    }

    /** QEMU's loader stops at EOF: bytes after it are warnings, and the file is valid. */
    @Test
    void bytesAfterTheStreamAreWarnings() throws IOException {
        for (TestStreams t : List.of(TestStreams.header().config().eof().u8(0x42),
                TestStreams.header().config().eof().vmdesc("{}").u8(0))) {
            ValidationReport r = validate(t);
            assertThat(r.problems()).filteredOn(p -> p.code().equals("trailing-data"))
                    .singleElement().satisfies(p -> assertThat(p.severity()).isEqualTo(Severity.WARNING));
            assertThat(r.valid()).isTrue();
        }
        byte[] cut = TestStreams.header().config().eof().vmdesc("{\"devices\": []}").toByteArray();
        ValidationReport r = validate(java.util.Arrays.copyOf(cut, cut.length - 3), ValidateOptions.defaults());
        assertThat(codes(r)).contains("vmdesc-cut").doesNotContain("vmdesc-missing", "truncated");
        assertThat(r.valid()).isTrue();
    }

    @Test
    void skipsPageCoverageAboveTheLimit() throws IOException {
        ValidationReport r = validate(TestStreams.valid().toByteArray(), ValidateOptions.defaults().withLimits(ReadLimits.builder().maxTrackedPages(2).build()));
        assertThat(codes(r)).containsExactly("ram-coverage-skipped");
        assertThat(r.valid()).isTrue();
    }
}
