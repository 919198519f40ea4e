package io.github.qmig.ramblock;

import io.github.qmig.codec.io.WriteBehind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SparsePageStoreTest {

    @TempDir
    Path dir;

    private static byte[] page(int v) {
        byte[] p = new byte[4096];
        Arrays.fill(p, (byte) v);
        return p;
    }

    @Test
    void lastWriteWinsAndZeroedPagesReadBackAsZeros() throws IOException {
        RamBlock b = RamBlock.of("pc.ram", 8 * 4096);
        Path f = dir.resolve("b.raw");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SparsePageStore s = new SparsePageStore(4096);
            s.declare(b, ch, 4096);
            s.put(b, 0, page(1), 0);
            s.put(b, 4096, page(2), 0);
            s.put(b, 0, page(3), 0);
            s.put(b, 3 * 4096, page(4), 0);
            s.zero(b, 3 * 4096);
            s.put(b, 5 * 4096, page(0), 0); // an all-zero PAGE is a hole
            byte[] got = new byte[4096];
            s.read(b, 0, got, 0);
            assertThat(got).isEqualTo(page(3));
            s.finish();
            assertThat(s.presentPages(b)).isEqualTo(2);
            assertThat(s.present(b).contains(0)).isTrue();
            assertThat(s.present(b).contains(1)).isTrue();
            assertThat(s.present(b).contains(3)).as("zeroed").isFalse();
            assertThat(s.present(b).contains(5)).as("an all-zero PAGE").isFalse();
        }
        byte[] file = Files.readAllBytes(f);
        assertThat(Arrays.copyOfRange(file, 4096, 8192)).isEqualTo(page(3));
        assertThat(Arrays.copyOfRange(file, 8192, 12288)).isEqualTo(page(2));
        assertThat(Arrays.copyOfRange(file, 4 * 4096, 5 * 4096)).as("page written, then zeroed").isEqualTo(page(0));
    }

    /**
     * More pages than the write-behind buffers hold: pages read back while their writes may be in
     * flight, and the settled-prefix listener, which reads the file, hears only of written bytes.
     */
    @Test
    void readsAndTheSettledListenerSeeWrittenBytes() throws IOException {
        int pages = 3 * WriteBehind.BUFFERS * WriteBehind.BUFFER_SIZE / 4096;
        RamBlock b = RamBlock.of("pc.ram", (long) pages * 4096);
        Path f = dir.resolve("big.raw");
        List<Long> heard = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SparsePageStore s = new SparsePageStore(4096);
            s.declare(b, ch, 0);
            s.onSettled((block, upTo) -> {
                ByteBuffer last = ByteBuffer.allocate(4096);
                ch.read(last, upTo - 4096);
                assertThat(last.array()).as("page before %d", upTo).isEqualTo(page((int) (upTo / 4096 - 1) % 250 + 1));
                heard.add(upTo);
            });
            byte[] got = new byte[4096];
            for (int i = 0; i < pages; i++) {
                s.put(b, (long) i * 4096, page(i % 250 + 1), 0);
                if (i % 1000 == 999) {
                    s.read(b, i - 600, got, 0);
                    assertThat(got).isEqualTo(page((i - 600) % 250 + 1));
                }
            }
            s.finish();
            assertThat(s.isSettledTracking(b)).isTrue();
            assertThat(s.settled(b)).isEqualTo(b.usedLength());
        }
        assertThat(heard).isSorted().isNotEmpty().endsWith(b.usedLength());
        assertThat(Files.size(f)).isEqualTo(b.usedLength());
    }
}
