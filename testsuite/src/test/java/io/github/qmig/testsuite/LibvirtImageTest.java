package io.github.qmig.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import io.github.qmig.input.LibvirtHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.info.InfoReport;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.transform.convert.StreamConverter;
import io.github.qmig.transform.extract.Extractor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * libvirt save images ({@code virsh save}, managed save) built from libvirt's documented layout
 * (src/qemu/qemu_saveimage.h) around real QEMU streams: every format qmig reads must give what the
 * plain stream gives.
 */
class LibvirtImageTest {

    private static final String XML = "<domain type='kvm'><name>guest</name><memory unit='MiB'>128</memory></domain>";
    private static final int DATA_LEN = 64 * 1024 + 300;

    @TempDir
    Path tmp;
    private Path plain;
    private JsonNode expected;

    @BeforeEach
    void setUp() throws IOException {
        plain = Fixtures.get("x86-pc-128M-paused").decompressTo(tmp.resolve("plain.mig"));
        expected = info(plain);
    }

    private static JsonNode info(Path file) throws IOException {
        try (MigrationInput in = MigrationInput.open(file, 0)) {
            return InfoReport.of(in).toJson(new ObjectMapper());
        }
    }

    /** The 92-byte header and the data area: XML, NUL, zero padding. */
    static byte[] header(String magic, int format, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(LibvirtHeader.SIZE + DATA_LEN).order(order);
        b.put(magic.getBytes(StandardCharsets.US_ASCII));
        b.putInt(2).putInt(DATA_LEN).putInt(1).putInt(format).putInt(0);
        b.position(LibvirtHeader.SIZE);
        b.put(XML.getBytes(StandardCharsets.UTF_8));
        return b.array();
    }

    private void assertSameAsPlain(JsonNode got, String format) {
        for (String f : List.of("format", "machine", "ram_blocks", "ram_records", "sections", "vmdesc", "complete")) {
            assertThat(got.get(f)).as(f).isEqualTo(expected.get(f));
        }
        assertThat(got.at("/libvirt/format").asText()).isEqualTo(format);
        assertThat(got.at("/libvirt/version").asInt()).isEqualTo(2);
        assertThat(got.at("/libvirt/was_running").asBoolean()).isTrue();
        assertThat(got.at("/libvirt/domain_xml").asText()).isEqualTo(XML);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "gzip", "bzip2", "xz", "lzop", "zstd"})
    void streamFormatsReadLikeThePlainFile(String format) throws Exception {
        int code = List.of("raw", "gzip", "bzip2", "xz", "lzop", "zstd").indexOf(format);
        Path image = tmp.resolve("image-" + format);
        try (OutputStream out = Files.newOutputStream(image)) {
            out.write(header(LibvirtHeader.MAGIC_COMPLETE, code, ByteOrder.LITTLE_ENDIAN));
            if (format.equals("bzip2") || format.equals("lzop")) {
                out.write(compressedBy(format, plain)); // libvirt runs the program itself: its own output
            } else {
                try (OutputStream body = compressor(format, out); InputStream in = Files.newInputStream(plain)) {
                    in.transferTo(body);
                }
            }
        }
        assertSameAsPlain(info(image), format);
        try (MigrationInput in = MigrationInput.ofStream(Files.newInputStream(image), "pipe", 0, null)) {
            assertSameAsPlain(InfoReport.of(in).toJson(new ObjectMapper()), format);
        }
    }

    /** {@code file} compressed by the program libvirt runs for the format (bzip2(1), lzop(1)). */
    private byte[] compressedBy(String program, Path file) throws Exception {
        Path out = tmp.resolve("compressed." + program);
        Process p = new ProcessBuilder(program, "-c").redirectInput(file.toFile()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(p.waitFor()).as(program + " (scripts/install-qemu.sh installs it)").isZero();
        return Files.readAllBytes(out);
    }

    private static OutputStream compressor(String format, OutputStream out) throws IOException {
        OutputStream shield = new java.io.FilterOutputStream(out) {
            @Override
            public void close() throws IOException {
                flush(); // the image's stream stays open for the caller
            }
        };
        return switch (format) {
            case "raw" -> shield;
            case "gzip" -> new GZIPOutputStream(shield);
            case "xz" -> new XZOutputStream(shield, new LZMA2Options(1));
            case "zstd" -> new ZstdOutputStream(shield);
            default -> throw new IllegalArgumentException(format);
        };
    }

    /**
     * {@code sparse}: QEMU writes mapped-ram straight into the image after libvirt's header, so its
     * offsets are file offsets. qmig lays such a stream out at that offset, then the header is put in
     * front; extracting it must give the plain file's blocks.
     */
    @Test
    void sparseImageIsMappedRamWithFileOffsets() throws IOException {
        Path image = tmp.resolve("image-sparse");
        try (MigrationInput in = MigrationInput.open(plain, 0)) {
            StreamConverter.toMappedRam(in, image, LibvirtHeader.SIZE + DATA_LEN);
        }
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(header(LibvirtHeader.MAGIC_COMPLETE, 6, ByteOrder.LITTLE_ENDIAN)), 0);
        }
        JsonNode got = info(image);
        assertThat(got.get("format").asText()).isEqualTo("mapped-ram");
        assertThat(got.at("/libvirt/format").asText()).isEqualTo("sparse");
        assertThat(got.at("/ram_records/mapped").asLong()).isEqualTo(expected.at("/ram_records/page").asLong());
        List<Extractor.Extracted> a;
        List<Extractor.Extracted> b;
        try (MigrationInput in = MigrationInput.open(plain, 0)) {
            a = Extractor.extract(in, tmp.resolve("a"), null);
        }
        try (MigrationInput in = MigrationInput.open(image, 0)) {
            b = Extractor.extract(in, tmp.resolve("b"), null);
        }
        assertThat(b).isEqualTo(a);
    }

    @Test
    void unfinishedSaveIsReportedIncomplete() throws IOException {
        Path image = tmp.resolve("image-part");
        byte[] stream = Files.readAllBytes(plain);
        try (OutputStream out = Files.newOutputStream(image)) {
            out.write(header(LibvirtHeader.MAGIC_PARTIAL, 0, ByteOrder.LITTLE_ENDIAN));
            out.write(stream, 0, stream.length / 2);
        }
        try (MigrationInput in = MigrationInput.open(image, 0)) {
            InfoReport r = InfoReport.of(in);
            JsonNode j = r.toJson(new ObjectMapper());
            assertThat(j.get("complete").asBoolean()).isFalse();
            assertThat(j.at("/libvirt/complete").asBoolean()).isFalse();
            assertThat(r.error()).isNotNull();
            assertThat(r.error().reason()).isEqualTo(io.github.qmig.codec.MigrationFormatException.Reason.TRUNCATED);
            assertThat(r.error().offset()).isEqualTo(LibvirtHeader.SIZE + DATA_LEN + stream.length / 2);
        }
    }

    @Test
    void bigEndianHeadersAreReadToo() throws IOException {
        Path image = tmp.resolve("image-be");
        try (OutputStream out = Files.newOutputStream(image)) {
            out.write(header(LibvirtHeader.MAGIC_COMPLETE, 0, ByteOrder.BIG_ENDIAN));
            Files.copy(plain, out);
        }
        assertSameAsPlain(info(image), "raw");
    }
}
