package io.github.qmig.mappedram;

import io.github.qmig.codec.BodyContext;
import io.github.qmig.codec.ByteSink;
import io.github.qmig.codec.ByteSource;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Reason;
import io.github.qmig.codec.MigrationWriter;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.ramblock.MappedRamBlock;
import io.github.qmig.ramblock.MappedRamBlockEnd;
import io.github.qmig.ramblock.MappedRamHeader;
import io.github.qmig.ramblock.PageReplayer;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.SparsePageStore;

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
 * and zlib pages decoded, zero pages left as holes). Bitmaps are written by {@link #finish()}, in
 * the 64-bit little-endian word format of x86_64/aarch64 hosts. Offsets are absolute: a stream
 * that starts at {@code offset} in the file (QEMU's {@code file:PATH,offset=N}) has its pages at
 * 1 MiB boundaries of the file.
 */
public final class MappedRamWriter implements EventConsumer {

    public static final String CAPABILITY = "mapped-ram";

    private final MigrationWriter out;
    private final ByteSink sink;
    private final FileChannel channel;
    private final BodyContext input;
    private final ByteSource errors;
    private SparsePageStore store;
    private PageReplayer replayer;
    private final Map<RamBlock, Long> bitmapOffsets = new LinkedHashMap<>();
    private List<String> capabilities;
    private boolean inRam;

    /**
     * @param channel the output file
     * @param offset  where the stream starts in it
     * @param input   the reader whose events this writer is fed (page size, error context)
     */
    public MappedRamWriter(FileChannel channel, long offset, BodyContext input) {
        this.channel = channel;
        this.sink = ByteSink.of(channel, offset, false);
        this.out = MigrationWriter.of(sink);
        this.input = input;
        this.errors = input.source();
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        if (e instanceof RamPage p) {
            if (replayer == null) {
                throw errors.fail(Reason.CORRUPT, p.offset(), "page record before the RAM block list");
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
                throw errors.fail(Reason.CORRUPT, h.offset(),
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
            store = new SparsePageStore(input.pageSize());
            replayer = new PageReplayer(store, errors);
        }
        out.write(e);
        MappedRamHeader h = MappedRamHeader.layout(sink.position(), b.usedLength(), input.pageSize());
        sink.write(h.encode(), 0, MappedRamHeader.SIZE);
        bitmapOffsets.put(b, h.bitmapOffset());
        store.declare(b, channel, h.pagesOffset());
        sink.skipTo(h.pagesOffset() + b.usedLength());
    }

    /** Writes the pages still combined in memory and every block's bitmap, then flushes. */
    public void finish() throws IOException {
        if (bitmapOffsets.isEmpty()) {
            throw new MigrationFormatException(Reason.CORRUPT, errors.name(), errors.position(), -1, null,
                    "the stream has no RAM block list; nothing to lay out as mapped-ram");
        }
        sink.flush();
        store.finish();
        for (Map.Entry<RamBlock, Long> b : bitmapOffsets.entrySet()) {
            ByteBuffer bits = ByteBuffer.wrap(store.bitmap(b.getKey()));
            sink.writeAt(b.getValue(), bits);
        }
        sink.flush();
    }

    public SparsePageStore store() {
        return store;
    }
}
