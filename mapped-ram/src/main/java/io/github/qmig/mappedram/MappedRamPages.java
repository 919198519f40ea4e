package io.github.qmig.mappedram;

import io.github.qmig.ramblock.PageSource;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.mapped.MappedRamBlock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pages of a mapped-ram file read in place, at random: each {@link MappedRamBlock} event (of a
 * reader run with {@code RamSectionCodec.withoutMappedPages}) gives its block's bitmap, page region
 * and the file to read it from; pages are then read with positional reads
 * ({@code read_ramblock_mapped_ram} reads the same way).
 */
public final class MappedRamPages implements PageSource {

    private final Map<String, MappedRamBlock> blocks = new LinkedHashMap<>();
    private int pageSize;

    /**
     * Adds a block.
     *
     * @throws IllegalArgumentException if the event's input is not a file (a pipe cannot be read in place)
     */
    public void add(MappedRamBlock b) {
        if (b.file() == null) {
            throw new IllegalArgumentException("mapped-ram pages are read in place; the input is not a file");
        }
        pageSize = b.pageSize();
        blocks.put(b.block().idstr(), b);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    @Override
    public List<RamBlock> blocks() {
        List<RamBlock> out = new ArrayList<>();
        blocks.values().forEach(b -> out.add(b.block()));
        return out;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    private MappedRamBlock of(RamBlock b) {
        MappedRamBlock m = blocks.get(b.idstr());
        if (m == null) {
            throw new IllegalArgumentException("no mapped-ram block " + b.idstr());
        }
        return m;
    }

    @Override
    public boolean present(RamBlock block, long index) {
        return of(block).isSet(index);
    }

    @Override
    public void read(RamBlock block, long index, byte[] dst, int off) throws IOException {
        MappedRamBlock m = of(block);
        if (!m.isSet(index)) {
            Arrays.fill(dst, off, off + pageSize, (byte) 0);
            return;
        }
        readRun(block, index, 1, dst, off);
    }

    /** Reads {@code count} consecutive pages starting at {@code index} in one positional read. */
    public void readRun(RamBlock block, long index, int count, byte[] dst, int off) throws IOException {
        MappedRamBlock m = of(block);
        m.file().readAt(m.header().pagesOffset() + index * pageSize, ByteBuffer.wrap(dst, off, count * pageSize));
    }
}
