package io.github.qmig.mappedram;

import io.github.qmig.codec.BodyContext;
import io.github.qmig.codec.ByteSource;
import io.github.qmig.ramblock.MappedRamBlock;
import io.github.qmig.ramblock.PageSource;
import io.github.qmig.ramblock.RamBlock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pages of a mapped-ram file read in place, at random: the {@link MappedRamBlock} events of a
 * reader (run with {@code RamSectionCodec.withoutMappedPages}) give each block's bitmap and page
 * region; pages are then read with positional reads ({@code read_ramblock_mapped_ram} reads the
 * same way).
 */
public final class MappedRamPages implements PageSource {

    private final ByteSource file;
    private final BodyContext reader;
    private final Map<String, MappedRamBlock> blocks = new LinkedHashMap<>();

    /** @param reader the reader of the mapped-ram file (which must be seekable) the blocks come from */
    public MappedRamPages(BodyContext reader) {
        this.file = reader.source();
        this.reader = reader;
        if (!file.isSeekable()) {
            throw new IllegalArgumentException("mapped-ram pages are read in place; " + file.name() + " is not a file");
        }
    }

    public void add(MappedRamBlock b) {
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
        return reader.pageSize();
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
            java.util.Arrays.fill(dst, off, off + pageSize(), (byte) 0);
            return;
        }
        file.readAt(m.header().pagesOffset() + index * pageSize(), ByteBuffer.wrap(dst, off, pageSize()));
    }

    /** Reads {@code count} consecutive pages starting at {@code index} in one positional read. */
    public void readRun(RamBlock block, long index, int count, byte[] dst, int off) throws IOException {
        MappedRamBlock m = of(block);
        file.readAt(m.header().pagesOffset() + index * pageSize(), ByteBuffer.wrap(dst, off, count * pageSize()));
    }
}
