package io.github.qmig.ramblock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

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
            byte[] bitmap = s.bitmap(b);
            assertThat(bitmap).hasSize(8);
            assertThat(bitmap[0]).isEqualTo((byte) 0b11);
        }
        byte[] file = Files.readAllBytes(f);
        assertThat(Arrays.copyOfRange(file, 4096, 8192)).isEqualTo(page(3));
        assertThat(Arrays.copyOfRange(file, 8192, 12288)).isEqualTo(page(2));
        assertThat(Arrays.copyOfRange(file, 4 * 4096, 5 * 4096)).as("page written, then zeroed").isEqualTo(page(0));
    }
}
