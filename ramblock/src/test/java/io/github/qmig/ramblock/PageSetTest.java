package io.github.qmig.ramblock;

import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.ramblock.mapped.MappedRamBitmap;
import io.github.qmig.ramblock.mapped.MappedRamHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageSetTest {

    @TempDir
    Path tmp;

    @Test
    void aHugeBlockWithFewPagesCostsBytesNotItsSize() {
        PageSet s = new PageSet((4L << 40) / 4096); // a 4 TiB block: a flat bitset would be 128 MiB
        s.add(0);
        s.add(1L << 29);
        s.add(s.pages() - 1);
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.heapBytes()).isLessThan(1024);
        assertThat(s.firstMissing(0)).isEqualTo(1);
        assertThat(s.firstPresent(2)).isEqualTo(1L << 29);
    }

    @Test
    void aCompleteBlockIsRuns() {
        PageSet s = new PageSet((64L << 30) / 4096); // 64 GiB, every page
        for (long i = 0; i < s.pages(); i++) {
            s.add(i);
        }
        assertThat(s.count()).isEqualTo(s.pages());
        assertThat(s.firstMissing(0)).isEqualTo(-1);
        assertThat(s.heapBytes()).as("runs, not 2 MiB of bits").isLessThan(64 << 10);
    }

    @Test
    void runsAndMissingRunsPartitionTheBlock() throws IOException {
        PageSet s = new PageSet(100);
        for (long i : new long[] {0, 1, 2, 10, 50, 51, 99}) {
            s.add(i);
        }
        s.remove(1);
        List<long[]> runs = new ArrayList<>();
        s.forEachRun((start, length) -> runs.add(new long[] {start, length}));
        assertThat(runs).containsExactly(new long[] {0, 1}, new long[] {2, 1}, new long[] {10, 1}, new long[] {50, 2},
                new long[] {99, 1});
        List<long[]> missing = new ArrayList<>();
        s.forEachMissingRun((start, length) -> missing.add(new long[] {start, length}));
        assertThat(missing).containsExactly(new long[] {1, 1}, new long[] {3, 7}, new long[] {11, 39},
                new long[] {52, 47});
    }

    /** The bitmap written in chunks equals QEMU's layout bit for bit, across chunk boundaries. */
    @Test
    void theBitmapIsQemusLayout() throws IOException {
        long pages = 3 * 512 * 1024 + 77; // three 64 KiB chunks and a partial word
        PageSet s = new PageSet(pages);
        Random r = new Random(11);
        long[] words = new long[(int) ((pages + 63) / 64)];
        for (long i = 0; i < pages; i++) {
            if (r.nextInt(3) == 0 || i == pages - 1) {
                s.add(i);
                words[(int) (i >>> 6)] |= 1L << i;
            }
        }
        long bytes = MappedRamHeader.bitmapBytes(pages * 4096, 4096);
        Path f = tmp.resolve("bitmap");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); ByteSink sink = ByteSink.of(ch, 0, false)) {
            s.writeBitmap(sink, 100, bytes);
        }
        byte[] file = Files.readAllBytes(f);
        assertThat(file).hasSize((int) (100 + bytes));
        MappedRamBitmap expected = MappedRamBitmap.ofWords(words);
        assertThat(java.util.Arrays.copyOfRange(file, 100, file.length))
                .isEqualTo(java.util.Arrays.copyOf(expected.bytes(), (int) bytes));
    }

    @Test
    void indexesAreChecked() {
        PageSet s = new PageSet(10);
        assertThatThrownBy(() -> s.add(10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new PageSet(PageSet.MAX_PAGES + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
