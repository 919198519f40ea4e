package io.github.qmig.testsuite.interop;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionType;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.FixtureLoader;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.LoadOptions;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.RamRange;
import io.github.qmig.transform.convert.StreamConverter;
import io.github.qmig.transform.extract.Extractor;
import io.github.qmig.transform.salvage.SalvageReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Saves cut short as an aborted save or a full disk leaves them: the normal commands refuse them,
 * {@code convert --salvage} writes what they hold as a file QEMU 10 loads, and the guest RAM QEMU
 * then holds is exactly what {@code extract --partial} of the same cut file gives, page for page;
 * cut after the RAM, QEMU's RAM is the source guest's.
 */
class SalvageInteropIT {

    @TempDir
    Path tmp;

    @BeforeEach
    void qemu() {
        assumeTrue(Qemu.available(Qemu.DEFAULT_BINARY), Qemu.DEFAULT_BINARY + " not installed");
    }

    /** Cut in the middle of the RAM: QEMU loads the salvage, and its RAM is what extract --partial says. */
    @ParameterizedTest
    @ValueSource(strings = {"x86-pc-128M-paused", "x86-pc-128M-live"})
    void cutInsideTheRamLoadsWithWhatExtractPartialGives(String name) throws IOException {
        Fixture f = Fixtures.get(name);
        FixtureMetadata m = f.metadata();
        Path whole = f.decompressTo(tmp.resolve("whole.mig"));
        Path cut = cut(whole, offsetOfPage(whole, "pc.ram", 64 << 20) + 100); // inside a page half-way into pc.ram
        assertThatThrownBy(() -> convert(cut, tmp.resolve("refused.mig"), false, false))
                .as("the normal command refuses it").isInstanceOf(MigrationFormatException.class);

        Path blocks = tmp.resolve("blocks");
        Extractor.Partial partial;
        try (MigrationInput in = MigrationInput.open(cut, 0)) {
            partial = Extractor.extractPartial(in, blocks, null, OutputOptions.defaults(), false);
        }
        SalvageReport report = partial.salvage();
        assertThat(report).isNotNull();
        assertThat(report.ramComplete()).isFalse();
        assertThat(Files.readString(blocks.resolve("blocks.json"))).contains("\"pages_missing\"");

        for (boolean mappedRam : new boolean[] {false, true}) {
            Path out = tmp.resolve(mappedRam ? "salvaged.mr" : "salvaged.mig");
            SalvageReport r = convert(cut, out, mappedRam, true);
            assertThat(r.blocks().stream().map(b -> b.name() + " " + b.known()))
                    .as("the same pages as extract --partial found")
                    .isEqualTo(report.blocks().stream().map(b -> b.name() + " " + b.known()).toList());
            assertThat(r.cut().offset()).isEqualTo(report.cut().offset());
            List<RamRange> loaded = FixtureLoader.loadAndHash(m, out,
                    LoadOptions.qemu10(m).withMappedRam(mappedRam).withOffset(0));
            // Without device state the chipset's PAM registers are at reset: QEMU maps ROMs where the
            // source mapped RAM. Every range QEMU maps holds what extract --partial gives of its block.
            assertThat(loaded).as("QEMU's RAM after loading the %s salvage", mappedRam ? "mapped-ram" : "stream")
                    .isEqualTo(hashes(loaded, blocks, partial.blocks()));
            assertThat(loaded.stream().filter(x -> x.start() == 0x100000).findFirst().orElseThrow())
                    .as("the cut lost pages of pc.ram").isNotIn(m.ramRanges());
        }
    }

    /** Cut inside a device section after the RAM: the section is left out, the RAM is the source guest's. */
    @ParameterizedTest
    @ValueSource(ints = {3, 12})
    void cutInsideTheDeviceStateKeepsAllTheRam(int device) throws IOException {
        Fixture f = Fixtures.get("x86-pc-128M-paused");
        FixtureMetadata m = f.metadata();
        Path whole = f.decompressTo(tmp.resolve("whole.mig"));
        List<SectionHeader> sections = deviceSections(whole);
        SectionHeader h = sections.get(device);
        Path cut = cut(whole, sections.get(device + 1).offset() - 3); // inside the section's footer
        Path out = tmp.resolve("salvaged.mig");
        SalvageReport r = convert(cut, out, false, true);
        assertThat(r.ramComplete()).isTrue();
        assertThat(r.dropped()).isEqualTo(h.idstr() + " " + h.instanceId());
        assertThat(r.sections()).hasSize(device);
        assertThat(Files.size(out)).as("nothing of the dropped section; then QEMU_VM_EOF").isEqualTo(h.offset() + 1);
        List<RamRange> loaded = FixtureLoader.loadAndHash(m, out, LoadOptions.qemu10(m).withOffset(0));
        Path blocks = tmp.resolve("blocks");
        List<Extractor.Extracted> extracted;
        try (MigrationInput in = MigrationInput.open(whole, 0)) {
            extracted = Extractor.extract(in, blocks, null);
        }
        // What QEMU maps where depends on the chipset's state (left at reset if its section is lost);
        // every range it maps holds the source's block content.
        assertThat(loaded).isEqualTo(hashes(loaded, blocks, extracted));
        assertThat(loaded.stream().filter(x -> x.start() == 0x100000).findFirst().orElseThrow())
                .as("pc.ram above 1 MiB, as the source guest held it").isIn(m.ramRanges());
    }

    /** A whole file salvages to what a plain conversion writes, with no report. */
    @ParameterizedTest
    @ValueSource(strings = {"x86-pc-128M-paused"})
    void aWholeFileIsJustConverted(String name) throws IOException {
        Path whole = Fixtures.get(name).decompressTo(tmp.resolve("whole.mig"));
        Path plain = tmp.resolve("plain.mig");
        Path salvaged = tmp.resolve("salvaged.mig");
        convert(whole, plain, false, false);
        assertThat(convert(whole, salvaged, false, true)).isNull();
        assertThat(Files.readAllBytes(salvaged)).isEqualTo(Files.readAllBytes(plain));
    }

    private static SalvageReport convert(Path in, Path out, boolean mappedRam, boolean salvage) throws IOException {
        try (MigrationInput input = MigrationInput.open(in, 0)) {
            if (salvage) {
                return StreamConverter.salvage(input, out.toString(), mappedRam, 0, OutputOptions.defaults());
            }
            if (mappedRam) {
                StreamConverter.toMappedRam(input, out, 0);
            } else {
                StreamConverter.toStream(input, out, 0);
            }
            return null;
        }
    }

    private Path cut(Path whole, long length) throws IOException {
        Path cut = tmp.resolve("cut.mig");
        Files.copy(whole, cut, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
        return cut;
    }

    /** Where the record of the block's page at {@code pageOffset} starts. */
    private static long offsetOfPage(Path file, String block, long pageOffset) throws IOException {
        try (MigrationInput in = MigrationInput.open(file, 0);
             MigrationReader r = in.reader(RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof RamPage p && p.block().idstr().equals(block) && p.pageOffset() == pageOffset) {
                    return p.offset();
                }
            }
        }
        throw new AssertionError("no page at 0x" + Long.toHexString(pageOffset) + " of " + block);
    }

    /** The FULL sections of the stream, in order. */
    private static List<SectionHeader> deviceSections(Path file) throws IOException {
        List<SectionHeader> out = new ArrayList<>();
        try (MigrationInput in = MigrationInput.open(file, 0);
             MigrationReader r = in.reader(RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof SectionHeader h && h.type() == SectionType.FULL) {
                    out.add(h);
                }
            }
        }
        return out;
    }

    /** The same RAM ranges, hashed over the extracted block files. */
    private static List<RamRange> hashes(List<RamRange> ranges, Path dir, List<Extractor.Extracted> blocks)
            throws IOException {
        List<RamRange> out = new ArrayList<>();
        for (RamRange r : ranges) {
            Extractor.Extracted b = blocks.stream()
                    .filter(x -> x.name().equals(r.region()) || x.name().endsWith("/" + r.region()))
                    .findFirst().orElseThrow(() -> new AssertionError("no block for region " + r));
            out.add(new RamRange(r.start(), r.length(), r.region(), r.regionOffset(),
                    ConvertInteropIT.sha256(dir.resolve(b.file()), r.regionOffset(), r.length())));
        }
        return out;
    }
}
