package io.github.qmig.codec.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteBehindTest {

    @TempDir
    Path tmp;

    private static ByteBuffer filled(WriteBehind w, int value, int len) {
        ByteBuffer b = w.take();
        for (int i = 0; i < len; i++) {
            b.put((byte) value);
        }
        return b.flip();
    }

    @Test
    void writesLandInTheOrderHandedOverAcrossInstances() throws IOException {
        Path f = tmp.resolve("out");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            WriteBehind a = new WriteBehind();
            WriteBehind b = new WriteBehind();
            // More writes than buffers, all over the same bytes: the last one handed over wins.
            for (int i = 1; i <= 3 * WriteBehind.BUFFERS; i++) {
                a.write(filled(a, i, 70_000), ch, 10);
            }
            long last = b.write(filled(b, 0x7f, 5), ch, 12);
            b.drain();
            assertThat(b.completed()).isEqualTo(last).isEqualTo(1);
            a.drain();
            assertThat(a.completed()).isEqualTo(3L * WriteBehind.BUFFERS);
        }
        byte[] got = Files.readAllBytes(f);
        assertThat(got).hasSize(10 + 70_000);
        assertThat(got[11]).isEqualTo((byte) (3 * WriteBehind.BUFFERS));
        assertThat(got[12]).isEqualTo((byte) 0x7f);
        assertThat(got[16]).isEqualTo((byte) 0x7f);
        assertThat(got[17]).isEqualTo((byte) (3 * WriteBehind.BUFFERS));
    }

    @Test
    @Timeout(60) // turns a hang into a failure
    void aFailedWriteIsThrownByTheNextCallAndGivesItsBufferBack() throws IOException {
        Path f = tmp.resolve("ro");
        Files.write(f, new byte[10]);
        try (FileChannel readOnly = FileChannel.open(f, StandardOpenOption.READ)) {
            WriteBehind w = new WriteBehind();
            w.write(filled(w, 1, 100), readOnly, 0);
            assertThatThrownBy(w::drain).isInstanceOf(IOException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("NonWritableChannelException");
            for (int i = 0; i < WriteBehind.BUFFERS; i++) { // would wait forever without the failed write's buffer
                assertThat(w.take().capacity()).isEqualTo(WriteBehind.BUFFER_SIZE);
            }
            assertThatThrownBy(() -> w.write(ByteBuffer.allocateDirect(1), readOnly, 0))
                    .isInstanceOf(IOException.class);
        }
        assertThat(Files.readAllBytes(f)).containsOnly(0);
    }
}
