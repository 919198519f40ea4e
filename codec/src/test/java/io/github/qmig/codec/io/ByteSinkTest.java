package io.github.qmig.codec.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes larger than the sink's buffer: a file sink hands full buffers to its WriteBehind, which writes them in pieces. */
class ByteSinkTest {

    @TempDir
    Path tmp;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Mixed small and large writes of every kind; a file sink and a stream sink get the same bytes. */
    private static void writeMix(ByteSink sink, byte[] big) throws IOException {
        sink.writeInt(0x5145564d);
        sink.write(big, 3, big.length - 3);
        ByteBuffer direct = ByteBuffer.allocateDirect(big.length);
        direct.put(big).flip().position(5);
        sink.writeU8(7);
        sink.write(direct);
        assertThat(direct.hasRemaining()).isFalse();
        sink.write(ByteBuffer.wrap(big, 1, 100_000));
        sink.writeU16(0xbeef);
    }

    @Test
    void largeWritesReachAFileWhole() throws IOException {
        byte[] big = random(WriteBehind.BUFFERS * WriteBehind.BUFFER_SIZE + 12_345); // wraps the buffer pool
        Path f = tmp.resolve("out");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteSink sink = ByteSink.of(ch, 0, false);
            writeMix(sink, big);
            sink.close();
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (ByteSink sink = ByteSink.of(expected)) {
            writeMix(sink, big);
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(expected.toByteArray());
        assertThat(expected.size()).isEqualTo(4 + (big.length - 3) + 1 + (big.length - 5) + 100_000 + 2);
    }

    /** Truncating inside the buffer and behind it (bytes already handed to the writer) drops exactly what follows. */
    @Test
    void truncateDropsWhatFollowsInTheBufferAndOnDisk() throws IOException {
        byte[] big = random(3 * WriteBehind.BUFFER_SIZE);
        Path f = tmp.resolve("cut");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE); ByteSink sink = ByteSink.of(ch, 0, false)) {
            sink.write(big, 0, big.length);
            sink.truncate(big.length - 10); // still buffered
            sink.writeU8(1);
            sink.truncate(1000); // long written
            assertThat(sink.position()).isEqualTo(1000);
            sink.writeU16(0xabcd);
        }
        byte[] got = Files.readAllBytes(f);
        assertThat(got).hasSize(1002);
        assertThat(java.util.Arrays.copyOf(got, 1000)).isEqualTo(java.util.Arrays.copyOf(big, 1000));
        assertThat(got[1000]).isEqualTo((byte) 0xab);
    }
}
