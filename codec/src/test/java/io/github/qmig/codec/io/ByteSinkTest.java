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
}
