package io.github.qmig.bench;

import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.SparsePageStore;
import io.github.qmig.ramblock.mapped.MappedRamHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The write side: {@link SparsePageStore} taking 64 MiB of consecutive pages (combined into 1 MiB
 * positional writes to a file in the page cache), the bitmap of a 4 GiB block, and {@link ByteSink}
 * writing PAGE records (header + 4 KiB) to a file. Writes go to a temporary file that is
 * truncated after every iteration, so the page cache, not the disk, is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "-XX:+UseSerialGC"})
public class PageStoreBench {

    private static final int PAGE = 4096;
    private static final int PAGES = 16384; // 64 MiB

    private final byte[] page = new byte[PAGE];
    private Path file;
    private FileChannel channel;
    private SparsePageStore full;
    private RamBlock big;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        new Random(7).nextBytes(page);
        file = Files.createTempFile("qmig-bench-store", ".raw");
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        big = RamBlock.of("pc.ram", 4L << 30);
        full = new SparsePageStore(PAGE);
        full.declare(big, channel, 0);
        for (long i = 0; i < (4L << 30) / PAGE; i += 2) {
            full.present(big).add(i); // every other page: the worst case for compression; nothing is written
        }
    }

    @Setup(Level.Iteration)
    public void truncate() throws IOException {
        channel.truncate(0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }

    /** 64 MiB of pages through the store: zero test, combining, positional writes. */
    @Benchmark
    public long storePages() throws IOException {
        SparsePageStore store = new SparsePageStore(PAGE);
        RamBlock b = RamBlock.of("pc.ram", (long) PAGES * PAGE);
        store.declare(b, channel, 0);
        for (int i = 0; i < PAGES; i++) {
            page[0] = (byte) i;
            store.put(b, (long) i * PAGE, page, 0);
        }
        store.finish();
        return store.presentPages(b);
    }

    /** The mapped-ram bitmap of a 4 GiB block (1 Mi pages): 128 KiB of little-endian words, written. */
    @Benchmark
    public long bitmap() throws IOException {
        try (ByteSink sink = ByteSink.of(channel, 0, false)) {
            full.present(big).writeBitmap(sink, 0, MappedRamHeader.bitmapBytes(big.usedLength(), PAGE));
        }
        return channel.size();
    }

    /** 64 MiB of PAGE records (8-byte header + page) through a file ByteSink. */
    @Benchmark
    public long sinkRecords() throws IOException {
        ByteSink sink = ByteSink.of(channel, 0, false);
        for (int i = 0; i < PAGES; i++) {
            sink.writeLong((long) i * PAGE | 0x28);
            sink.write(page, 0, PAGE);
        }
        sink.flush();
        return sink.position();
    }
}
