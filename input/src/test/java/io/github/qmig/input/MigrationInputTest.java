package io.github.qmig.input;

import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The detect-and-unwrap loop on real files: every wrapper users have is recognised by its magic,
 * named as {@code info} reports it, and leaves the source at the QEMU stream's {@code QEVM}.
 */
class MigrationInputTest {

    @TempDir
    Path dir;

    private Path plain() throws IOException {
        return Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("vm.mig"));
    }

    private static Path libvirt(String name) {
        return Fixtures.testdataDir().resolve("libvirt").resolve(name);
    }

    /** The source is at a QEVM header: its first four bytes. */
    private static void atStream(MigrationInput in) throws IOException {
        ByteSource s = in.source();
        assertThat(s.ensure(8)).isTrue();
        assertThat(s.peekInt(0)).isEqualTo(FileHeader.MAGIC);
    }

    @Test
    void plainFileIsReadInPlace() throws IOException {
        try (MigrationInput in = MigrationInput.open(plain(), 0)) {
            assertThat(in.kind()).isEqualTo("plain");
            assertThat(in.layers()).isEmpty();
            assertThat(in.seekable()).isTrue();
            assertThat(in.source().position()).isZero();
            atStream(in);
        }
    }

    @Test
    void compressedFilesOfEachFormat() throws IOException {
        byte[] raw = Files.readAllBytes(plain());
        Path gz = dir.resolve("vm.mig.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(raw);
        }
        Path xz = dir.resolve("vm.mig.xz");
        try (OutputStream o = new XZOutputStream(Files.newOutputStream(xz), new LZMA2Options(1))) {
            o.write(raw);
        }
        Path zst = Fixtures.get("x86-pc-128M-paused").compressed();
        for (Object[] c : new Object[][] {{gz, "gzip"}, {xz, "xz"}, {zst, "zstd"}}) {
            try (MigrationInput in = MigrationInput.open((Path) c[0], 0)) {
                assertThat(in.kind()).isEqualTo(c[1]);
                assertThat(in.seekable()).isFalse();
                assertThat(in.source().name()).endsWith(" (" + c[1] + ")");
                atStream(in);
            }
        }
    }

    @Test
    void libvirtImagesOfEachFormatAndCompressedWhole() throws IOException {
        Path raw = Fixtures.decompress(libvirt("x86-pc-128M-raw.sav.zst"), dir.resolve("raw.sav"));
        Path sparse = Fixtures.decompress(libvirt("x86-pc-128M-sparse.sav.zst"), dir.resolve("sparse.sav"));
        try (MigrationInput in = MigrationInput.open(raw, 0)) {
            assertThat(in.kind()).isEqualTo("libvirt");
            assertThat(in.libvirt().formatName()).isEqualTo("raw");
            assertThat(in.seekable()).isTrue();
            assertThat(in.source().position()).as("file offsets stay absolute").isEqualTo(in.libvirt().streamOffset());
            atStream(in);
        }
        try (MigrationInput in = MigrationInput.open(sparse, 0)) {
            assertThat(in.kind()).isEqualTo("libvirt");
            assertThat(in.libvirt().formatName()).isEqualTo("sparse");
            atStream(in);
        }
        try (MigrationInput in = MigrationInput.open(libvirt("x86-pc-128M-zstd.sav"), 0)) {
            assertThat(in.kind()).isEqualTo("libvirt+zstd");
            assertThat(in.compression()).isEqualTo(Compression.ZSTD);
            assertThat(in.outer()).isEqualTo(Compression.NONE);
            atStream(in);
        }
        try (MigrationInput in = MigrationInput.open(libvirt("x86-pc-128M-raw.sav.zst"), 0)) {
            assertThat(in.kind()).isEqualTo("zstd+libvirt");
            assertThat(in.outer()).isEqualTo(Compression.ZSTD);
            assertThat(in.compression()).isEqualTo(Compression.NONE);
            assertThat(in.source().position()).isEqualTo(in.libvirt().streamOffset());
            atStream(in);
        }
    }

    @Test
    void aStreamWithAnOffsetCountsFromItsFirstByte() throws IOException {
        byte[] raw = Files.readAllBytes(plain());
        byte[] shifted = new byte[raw.length + 0x1234];
        System.arraycopy(raw, 0, shifted, 0x1234, raw.length);
        try (MigrationInput in = MigrationInput.ofStream(new ByteArrayInputStream(shifted), "pipe", 0x1234, null)) {
            assertThat(in.kind()).isEqualTo("plain");
            assertThat(in.source().position()).isEqualTo(0x1234);
            atStream(in);
        }
        try (MigrationInput in = MigrationInput.ofStream(gzipped(shifted), "pipe", 0x1234, null)) {
            assertThat(in.kind()).isEqualTo("gzip");
            assertThat(in.source().position()).isEqualTo(0x1234);
            atStream(in);
        }
    }

    @Test
    void aCutLibvirtDataAreaIsOneTruncationError() throws IOException {
        Path raw = Fixtures.decompress(libvirt("x86-pc-128M-raw.sav.zst"), dir.resolve("raw.sav"));
        byte[] head = new byte[200];
        try (InputStream in = Files.newInputStream(raw)) {
            in.readNBytes(head, 0, head.length);
        }
        Path cut = Files.write(dir.resolve("cut.sav"), head);
        for (MigrationInputOpener open : new MigrationInputOpener[] {
            () -> MigrationInput.open(cut, 0),
            () -> MigrationInput.ofStream(new ByteArrayInputStream(head), "pipe", 0, null),
            () -> MigrationInput.ofStream(gzipped(head), "pipe", 0, null)}) {
            assertThatThrownBy(open::open).isInstanceOfSatisfying(MigrationFormatException.class, e -> {
                assertThat(e.code()).isEqualTo(MigrationFormatException.Code.TRUNCATED);
                assertThat(e.detail()).isEqualTo("libvirt save image data area cut short");
                assertThat(e.offset()).isEqualTo(head.length);
            });
        }
    }

    @Test
    void anUnsupportedLibvirtFormatIsNamed() throws IOException {
        Path raw = Fixtures.decompress(libvirt("x86-pc-128M-raw.sav.zst"), dir.resolve("raw.sav"));
        byte[] b = Files.readAllBytes(raw);
        ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(28, 99); // a format libvirt does not have
        Path bz = Files.write(dir.resolve("unknown.sav"), b);
        assertThatThrownBy(() -> MigrationInput.open(bz, 0)).isInstanceOfSatisfying(MigrationFormatException.class,
                e -> assertThat(e.detail()).contains("format unknown-99 is not supported"));
    }

    @FunctionalInterface
    private interface MigrationInputOpener {
        MigrationInput open() throws IOException;
    }

    private static InputStream gzipped(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(out)) {
            o.write(b);
        }
        return new ByteArrayInputStream(out.toByteArray());
    }
}
