package io.github.qmig.input;

import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The increment layer of the unwrap loop: a header in front of a real QEMU stream is recognised,
 * leaves the source at the stream's QEVM (at file offset 136, or the same offset in a pipe), and a
 * stream that does not match its header's length and digest is a format error, in a file when it
 * is opened, in a pipe when its end is read.
 */
class IncrementInputTest {

    @TempDir
    Path dir;

    private static final String BASE = "ab".repeat(32);
    private static final String RESULT = "cd".repeat(32);

    /** A header over a real fixture's stream. */
    private byte[] increment() throws IOException {
        byte[] stream = Files.readAllBytes(Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("s.mig")));
        StreamDigest d = new StreamDigest();
        d.update(stream, 0, stream.length);
        byte[] h = new IncrementHeader(stream.length, 7, BASE, RESULT, IncrementHeader.hex(d.digest())).encode();
        byte[] all = Arrays.copyOf(h, h.length + stream.length);
        System.arraycopy(stream, 0, all, h.length, stream.length);
        return all;
    }

    private static void readToEnd(MigrationInput in) throws IOException {
        ByteSource s = in.source();
        while (s.ensure(1)) {
            s.skip(Math.min(s.available(), 1 << 16));
        }
    }

    @Test
    void theHeaderRoundTripsAndTheStreamFollowsIt() throws IOException {
        byte[] inc = increment();
        IncrementHeader h = IncrementHeader.parse(inc, inc.length, "x");
        assertThat(h.base()).isEqualTo(BASE);
        assertThat(h.result()).isEqualTo(RESULT);
        assertThat(h.pages()).isEqualTo(7);
        assertThat(h.encode()).isEqualTo(Arrays.copyOf(inc, IncrementHeader.SIZE));
        Path f = Files.write(dir.resolve("d.qinc"), inc);
        try (MigrationInput file = MigrationInput.open(f, 0);
             MigrationInput pipe = MigrationInput.ofStream(new ByteArrayInputStream(inc), "pipe", 0, null)) {
            for (MigrationInput in : new MigrationInput[] {file, pipe}) {
                assertThat(in.kind()).isEqualTo("increment");
                assertThat(in.increment()).isEqualTo(h);
                assertThat(in.source().position()).isEqualTo(IncrementHeader.SIZE);
                assertThat(in.source().ensure(4)).isTrue();
                assertThat(in.source().peekInt(0)).isEqualTo(FileHeader.MAGIC);
                readToEnd(in);
            }
        }
    }

    @Test
    void aDamagedStreamIsRefusedInAFileAtOnceAndInAPipeAtItsEnd() throws IOException {
        byte[] bad = increment();
        bad[bad.length / 2] ^= 4;
        Path f = Files.write(dir.resolve("bad.qinc"), bad);
        assertThatThrownBy(() -> MigrationInput.open(f, 0)).isInstanceOf(MigrationFormatException.class)
                .hasMessageStartingWith(f + ": the increment's stream does not match its digest")
                .extracting(e -> ((MigrationFormatException) e).code()).isEqualTo(Code.INCREMENT_DAMAGED);
        try (MigrationInput pipe = MigrationInput.ofStream(new ByteArrayInputStream(bad), "pipe", 0, null)) {
            assertThatThrownBy(() -> readToEnd(pipe)).isInstanceOf(MigrationFormatException.class)
                    .extracting(e -> ((MigrationFormatException) e).code()).isEqualTo(Code.INCREMENT_DAMAGED);
        }
    }

    @Test
    void aDamagedHeaderACutStreamAndTrailingBytesAreRefused() throws IOException {
        byte[] inc = increment();
        byte[] header = inc.clone();
        header[40] ^= 1; // inside the base digest: the checksum no longer matches
        byte[] cut = Arrays.copyOf(inc, inc.length - 100);
        byte[] longer = Arrays.copyOf(inc, inc.length + 3);
        Object[][] cases = {{header, Code.INCREMENT_DAMAGED}, {cut, Code.TRUNCATED}, {longer, Code.TRAILING_DATA}};
        for (Object[] c : cases) {
            Path f = Files.write(dir.resolve("x.qinc"), (byte[]) c[0]);
            assertThatThrownBy(() -> MigrationInput.open(f, 0)).isInstanceOf(MigrationFormatException.class)
                    .extracting(e -> ((MigrationFormatException) e).code()).isEqualTo(c[1]);
            assertThatThrownBy(() -> {
                try (MigrationInput p = MigrationInput.ofStream(new ByteArrayInputStream((byte[]) c[0]), "pipe", 0, null)) {
                    readToEnd(p);
                }
            }).isInstanceOf(MigrationFormatException.class).extracting(e -> ((MigrationFormatException) e).code())
                    .isEqualTo(c[1]);
        }
    }
}
