package io.github.qmig.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.info.InfoReport;
import io.github.qmig.inspect.validate.FileValidator;
import io.github.qmig.inspect.validate.ValidateOptions;
import io.github.qmig.inspect.validate.ValidationReport;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.testkit.ByteDiff;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.TestGuest;
import io.github.qmig.transform.convert.StreamConverter;
import io.github.qmig.transform.extract.BlockFileNames;
import io.github.qmig.transform.extract.Extractor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images written by real libvirt (11.3, {@code virsh save}; testdata/libvirt-saves.sh) around QEMU
 * 10.0's stream: the test guest, paused after writing its pattern over 8 MiB at 16 MiB, saved in
 * each image format libvirt writes. As libvirt wrote it (the .zst files decompressed) and as
 * archived (compressed whole), every image must read as a complete libvirt image of its format,
 * validate clean, and extract to the guest's RAM: the pattern where the guest wrote it, and the same
 * bytes from every image.
 */
class LibvirtSavesTest {

    private static final int FILL_PAGES = 8 << 8; // fill=8: 8 MiB of 4 KiB pages

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} decompressed={1}")
    @CsvSource({
        "x86-pc-128M-raw.sav.zst, true, libvirt, raw, stream",
        "x86-pc-128M-raw.sav.zst, false, zstd+libvirt, raw, stream",
        "x86-pc-128M-zstd.sav, false, libvirt+zstd, zstd, stream",
        "x86-pc-128M-sparse.sav.zst, true, libvirt, sparse, mapped-ram",
        "x86-pc-128M-sparse.sav.zst, false, zstd+libvirt, sparse, mapped-ram",
        "x86-pc-128M-sparse-parallel2.sav.zst, true, libvirt, sparse, mapped-ram",
    })
    void readsValidatesAndExtractsTheGuest(String image, boolean decompress, String kind, String imageFormat,
                                           String layout) throws IOException {
        Path file = image(image, decompress);

        JsonNode info;
        try (MigrationInput in = MigrationInput.open(file, 0)) {
            info = InfoReport.of(in).toJson(new ObjectMapper());
        }
        assertThat(info.path("source").path("kind").asText()).isEqualTo(kind);
        assertThat(info.path("libvirt").path("format").asText()).isEqualTo(imageFormat);
        assertThat(info.path("libvirt").path("complete").asBoolean()).isTrue();
        assertThat(info.path("libvirt").path("was_running").asBoolean(true)).isFalse(); // saved --paused
        assertThat(info.path("libvirt").path("domain_xml").asText()).contains("<name>qmig-fixture</name>");
        assertThat(info.path("format").asText()).isEqualTo(layout);
        assertThat(info.path("machine").asText()).isEqualTo("pc-i440fx-10.0");

        ValidationReport report = FileValidator.validate(file.toString(), ValidateOptions.defaults());
        assertThat(report.problems()).as(file.toString()).isEmpty();
        assertThat(report.summary().complete()).isTrue();

        Path ram = extract(file).resolve(BlockFileNames.of("pc.ram"));
        assertThat(Files.size(ram)).isEqualTo(128L << 20);
        try (FileChannel ch = FileChannel.open(ram, StandardOpenOption.READ)) {
            assertThat(word(ch, TestGuest.STATUS_ADDRESS)).isEqualTo(TestGuest.MAGIC_DONE);
            ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < FILL_PAGES; i++) {
                page.clear();
                ch.read(page, TestGuest.FILL_BASE + 4096L * i);
                for (int w = 0; w < 1024; w++) {
                    if (page.getInt(4 * w) != (0x51000000 | i)) {
                        throw new AssertionError("page " + i + " of the fill, word " + w + ": 0x"
                                + Integer.toHexString(page.getInt(4 * w)));
                    }
                }
            }
        }
    }

    @Test
    void everyFormatHoldsTheSameRam() throws IOException {
        Set<List<String>> hashes = new HashSet<>();
        for (String image : List.of("x86-pc-128M-raw.sav.zst", "x86-pc-128M-zstd.sav", "x86-pc-128M-sparse.sav.zst",
                "x86-pc-128M-sparse-parallel2.sav.zst")) {
            try (MigrationInput in = MigrationInput.open(image(image, false), 0)) {
                hashes.add(Extractor.extract(in, tmp.resolve("x-" + image), null).stream()
                        .map(x -> x.name() + " " + x.sha256()).toList());
            }
        }
        assertThat(hashes).hasSize(1);
        assertThat(hashes.iterator().next()).hasSize(3); // pc.ram, pc.bios, pc.rom
    }

    /**
     * {@code convert --libvirt} gives the image libvirt itself writes in the other format: converting
     * libvirt's raw (or zstd) image to sparse gives its sparse image of the same paused guest, and back,
     * byte for byte but for the device state (timers) that differs between libvirt's own successive saves.
     */
    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource({
        "x86-pc-128M-raw.sav.zst, true, x86-pc-128M-sparse.sav.zst",
        "x86-pc-128M-zstd.sav, true, x86-pc-128M-sparse.sav.zst",
        "x86-pc-128M-sparse.sav.zst, false, x86-pc-128M-raw.sav.zst",
        "x86-pc-128M-sparse-parallel2.sav.zst, false, x86-pc-128M-raw.sav.zst",
    })
    void convertedImageIsTheOneLibvirtWrites(String from, boolean toMappedRam, String libvirts) throws IOException {
        Path ours = tmp.resolve("ours.sav");
        try (MigrationInput in = MigrationInput.open(image(from, from.endsWith(".zst")), 0)) {
            StreamConverter.toLibvirtImage(in, ours, toMappedRam, OutputOptions.defaults());
        }
        Path theirs = image(libvirts, true);
        assertThat(Files.size(ours)).isEqualTo(Files.size(theirs));
        List<Long> diffs = ByteDiff.offsets(ours, theirs, 65);
        assertThat(diffs).as("bytes of device state that differ between two saves").hasSizeLessThanOrEqualTo(64);
        for (long at : diffs) {
            assertThat(sectionAt(ours, at)).as("section holding differing byte %d", at).isNotIn("ram", "(header)");
        }
    }

    /** The idstr of the section a byte of a libvirt image lies in, or "(header)" before the first. */
    private static String sectionAt(Path image, long at) throws IOException {
        String in = "(header)";
        try (MigrationInput input = MigrationInput.open(image, 0);
             MigrationReader r = input.reader(RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof SectionHeader h) {
                    if (h.offset() > at) {
                        break;
                    }
                    in = h.idstr();
                }
            }
        }
        return in;
    }

    private Path image(String name, boolean decompress) throws IOException {
        Path f = Fixtures.testdataDir().resolve("libvirt").resolve(name);
        return decompress ? Fixtures.decompress(f, tmp.resolve(name.replace(".zst", ""))) : f;
    }

    private Path extract(Path file) throws IOException {
        Path dir = tmp.resolve("extracted");
        try (MigrationInput in = MigrationInput.open(file, 0)) {
            Extractor.extract(in, dir, null);
        }
        return dir;
    }

    private static long word(FileChannel ch, long at) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, at);
        return Integer.toUnsignedLong(b.getInt(0));
    }
}
