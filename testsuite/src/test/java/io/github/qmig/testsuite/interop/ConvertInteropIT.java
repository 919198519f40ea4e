package io.github.qmig.testsuite.interop;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.ramblock.PageTally;
import io.github.qmig.ramblock.RamBlockEntry;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real QEMU is the oracle: each fixture was saved by QEMU, which recorded the source guest's RAM
 * hashes ({@code ram_ranges} in its sidecar). qmig converts the file; a fresh QEMU with the same
 * command line loads the result; its guest RAM must hash the same. Both directions and chains.
 */
class ConvertInteropIT {

    @TempDir
    Path tmp;

    static List<Fixture> fixtures() {
        return Fixtures.list();
    }

    private static void assumeLoadable() {
        assumeTrue(Qemu.available(Qemu.DEFAULT_BINARY), Qemu.DEFAULT_BINARY + " not installed");
    }

    private Path convert(Path in, long inOffset, boolean toMappedRam, long outOffset, String name) throws IOException {
        Path out = tmp.resolve(name);
        try (MigrationInput input = MigrationInput.open(in, inOffset)) {
            if (toMappedRam) {
                StreamConverter.toMappedRam(input, out, outOffset);
            } else {
                StreamConverter.toStream(input, out, outOffset);
            }
        }
        return out;
    }

    /** Loads a file qmig wrote into QEMU 10 (7.2 saves with their versioned machine type). */
    private static List<RamRange> load(FixtureMetadata m, Path file, boolean mappedRam, long offset) {
        return FixtureLoader.loadAndHash(m, file, LoadOptions.qemu10(m).withMappedRam(mappedRam).withOffset(offset));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void convertedFilesLoadWithTheSameGuestRam(Fixture f) throws IOException {
        FixtureMetadata m = f.metadata();
        assumeLoadable();
        assertThat(m.ramRanges()).as("RAM hashes recorded at save time").isNotEmpty();
        Path original = f.decompressTo(tmp.resolve("original.mig"));
        long offset = m.uriOffset();
        if (m.mappedRam()) {
            Path stream = convert(original, offset, false, 0, "stream.mig");
            assertThat(load(m, stream, false, 0)).as("mapped-ram -> stream").isEqualTo(m.ramRanges());
            Path back = convert(stream, 0, true, offset, "back.mig");
            assertThat(load(m, back, true, offset)).as("mapped-ram -> stream -> mapped-ram").isEqualTo(m.ramRanges());
        } else if (!hasConfiguration(original)) {
            // Streams without a CONFIGURATION record (machine types 2.3 and older) cannot declare mapped-ram.
            assertThatThrownBy(() -> convert(original, offset, true, 0, "mapped.mig"))
                    .isInstanceOf(MigrationFormatException.class).hasMessageContaining("CONFIGURATION");
        } else {
            Path mapped = convert(original, offset, true, 0x1234, "mapped.mig");
            assertThat(load(m, mapped, true, 0x1234)).as("stream -> mapped-ram at offset 0x1234").isEqualTo(m.ramRanges());
            Path stream = convert(mapped, 0x1234, false, 0, "stream.mig");
            assertThat(load(m, stream, false, 0)).as("stream -> mapped-ram -> stream").isEqualTo(m.ramRanges());
        }
    }

    /**
     * {@code convert --normalize}: every page once, as PAGE or ZERO, in the first iteration; QEMU 10
     * loads the result (XBZRLE, multifd and zlib sources alike) with the source guest's RAM.
     */
    @ParameterizedTest
    @MethodSource("fixtures")
    void normalizedStreamsLoadWithTheSameGuestRam(Fixture f) throws IOException {
        FixtureMetadata m = f.metadata();
        assumeLoadable();
        Path original = f.decompressTo(tmp.resolve("original.mig"));
        Path out = tmp.resolve("normalized.mig");
        try (MigrationInput input = MigrationInput.open(original, m.uriOffset())) {
            StreamConverter.toStream(input, out.toString(), 0, OutputOptions.defaults(), true);
        }
        // Machine types without a CONFIGURATION record (2.3 and older) are gone from QEMU 10: the saving QEMU loads those.
        LoadOptions how = hasConfiguration(out) ? LoadOptions.qemu10(m).withMappedRam(false).withOffset(0)
                : LoadOptions.defaults().withOffset(0);
        assertThat(FixtureLoader.loadAndHash(m, out, how)).as("normalized").isEqualTo(m.ramRanges());
        PageTally tally = new PageTally();
        long[] pages = {0};
        try (MigrationInput again = MigrationInput.open(out, 0);
             MigrationReader r = again.reader(RamSectionCodec.defaultOptions())) {
            r.feed(e -> {
                if (e instanceof RamPage p) {
                    tally.add(p);
                } else if (e instanceof RamBlockEntry b) {
                    pages[0] += b.block().usedLength() / b.pageSize();
                }
            });
        }
        assertThat(tally.get(RamPage.Kind.PAGE) + tally.get(RamPage.Kind.ZERO)).as("every page once, as PAGE or ZERO")
                .isEqualTo(tally.total()).isEqualTo(pages[0]);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void extractedBlocksEqualWhatQemuHolds(Fixture f) throws IOException {
        FixtureMetadata m = f.metadata();
        Path original = f.decompressTo(tmp.resolve("original.mig"));
        Path dir = tmp.resolve("blocks");
        List<Extractor.Extracted> blocks;
        try (MigrationInput in = MigrationInput.open(original, m.uriOffset())) {
            blocks = Extractor.extract(in, dir, null);
        }
        assertThat(m.ramRanges()).isNotEmpty();
        for (RamRange r : m.ramRanges()) {
            Extractor.Extracted b = blocks.stream()
                    .filter(x -> x.name().equals(r.region()) || x.name().endsWith("/" + r.region()))
                    .findFirst().orElseThrow(() -> new AssertionError("no block for region " + r));
            assertThat(sha256(dir.resolve(b.file()), r.regionOffset(), r.length()))
                    .as("%s in %s", r, b.file()).isEqualTo(r.sha256());
        }
        assertThat(Files.readString(dir.resolve("blocks.json"))).contains(blocks.get(0).sha256());
    }

    private static boolean hasConfiguration(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(9);
            ch.read(b, 0);
            return b.get(8) == 0x07;
        }
    }

    static String sha256(Path file, long offset, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long at = offset;
            long end = offset + length;
            while (at < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - at));
                int r = ch.read(buf, at);
                if (r < 0) {
                    throw new IOException(file + " shorter than " + end);
                }
                buf.flip();
                md.update(buf);
                at += r;
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
