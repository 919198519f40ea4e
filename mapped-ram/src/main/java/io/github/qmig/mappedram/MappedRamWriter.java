package io.github.qmig.mappedram;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationWriter;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.ramblock.PageReplayer;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.SparsePageStore;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.ramblock.mapped.MappedRamBlockEnd;
import io.github.qmig.ramblock.mapped.MappedRamHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes QEMU's mapped-ram layout from the events of any stream, in one pass (migration/ram.c
 * {@code mapped_ram_setup_ramblock}, {@code ram_save_file_bmap}; format reference section 8):
 *
 * <pre>
 * QEVM 3 | CONFIGURATION (+ "mapped-ram") | START(ram): MEM_SIZE, then per block
 *   idstr, used_length | MappedRamHeader | bitmap | hole to 1 MiB | page slots (holes = zero) |
 * ... EOS | PART/END(ram): EOS only | device sections, commands, EOF, VMDESCRIPTION as read
 * </pre>
 *
 * The layout of every block is fixed when the block list is read, so page records arriving later,
 * in any section and order, are replayed straight into their slots ({@link PageReplayer}: XBZRLE
 * and zlib pages decoded, zero pages left as holes). Bitmaps are written at the end ({@link #end()}), in
 * the 64-bit little-endian word format of x86_64/aarch64 hosts. Offsets are absolute: a stream
 * that starts at {@code offset} in the file (QEMU's {@code file:PATH,offset=N}) has its pages at
 * 1 MiB boundaries of the file.
 */
public final class MappedRamWriter implements EventConsumer {

    public static final String CAPABILITY = "mapped-ram";

    private final MigrationWriter out;
    private final ByteSink sink;
    private final FileChannel channel;
    private SparsePageStore store;
    private PageReplayer replayer;
    private final Map<RamBlock, Long> bitmapOffsets = new LinkedHashMap<>();
    private List<String> capabilities;
    private boolean inRam;
    private long lastOffset;

    /**
     * @param channel the output file
     * @param offset  where the stream starts in it
     */
    public MappedRamWriter(FileChannel channel, long offset) {
        this.channel = channel;
        this.sink = ByteSink.of(channel, offset, false);
        this.out = MigrationWriter.of(sink);
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        lastOffset = e.offset();
        if (e instanceof RamPage p) {
            if (replayer == null) {
                throw MigrationFormatException.of(Code.CORRUPT, p.offset(), "page record before the RAM block list");
            }
            replayer.apply(p);
        } else if (e instanceof RamBlockEntry b) {
            layOut(b);
        } else if (e instanceof Configuration c) {
            List<String> caps = new ArrayList<>(c.capabilities());
            if (!caps.contains(CAPABILITY)) {
                caps.add(CAPABILITY);
            }
            out.write(c.withCapabilities(caps));
            capabilities = caps;
        } else if (e instanceof SectionHeader h) {
            inRam = h.idstr().equals("ram");
            if (inRam && h.type() == SectionType.START && capabilities == null) {
                throw MigrationFormatException.of(Code.CORRUPT, h.offset(),
                        "the stream has no CONFIGURATION record, which a mapped-ram file must declare its capability in");
            }
            out.write(e);
        } else if (e instanceof RamMarker m) {
            if (m.isEos()) {
                out.write(m); // MULTIFD_FLUSH and HOOK have no place in a mapped-ram file
            }
        } else if (e instanceof VmDescription v) {
            out.write(v.withCapabilities(capabilities)); // its configuration object describes the record
        } else if (!(e instanceof MappedRamBlock || e instanceof MappedRamBlockEnd)) {
            out.write(e); // the input's own mapped-ram layout is replaced by ours
        }
    }

    private void layOut(RamBlockEntry e) throws IOException {
        RamBlock b = e.block();
        if (store == null) {
            store = new SparsePageStore(e.pageSize());
            replayer = new PageReplayer(store);
        }
        out.write(e);
        MappedRamHeader h = MappedRamHeader.layout(sink.position(), b.usedLength(), e.pageSize());
        sink.write(h.encode(), 0, MappedRamHeader.SIZE);
        bitmapOffsets.put(b, h.bitmapOffset());
        store.declare(b, channel, h.pagesOffset());
        sink.skipTo(h.pagesOffset() + b.usedLength());
    }

    /** After the last event: writes the pages still combined in memory and every block's bitmap, then flushes. */
    @Override
    public void end() throws IOException {
        if (bitmapOffsets.isEmpty()) {
            throw MigrationFormatException.of(Code.RAM_ABSENT, lastOffset,
                    "the stream has no RAM block list; nothing to lay out as mapped-ram");
        }
        sink.flush();
        store.finish();
        for (Map.Entry<RamBlock, Long> b : bitmapOffsets.entrySet()) {
            RamBlock block = b.getKey();
            store.present(block).writeBitmap(sink, b.getValue(),
                    MappedRamHeader.bitmapBytes(block.usedLength(), store.pageSize()));
        }
        sink.flush();
    }

    public SparsePageStore store() {
        return store;
    }

    /** The sink the stream part is written through (its position is the stream's next byte). */
    public ByteSink sink() {
        return sink;
    }
}
