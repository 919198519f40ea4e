package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionRef;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;
import io.github.qmig.ramblock.PageSet;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamMemSize;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.Xbzrle;
import io.github.qmig.ramblock.ZlibPages;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RAM section as QEMU's loader and a complete snapshot need it (migration/ram.c
 * {@code ram_load_precopy}, {@code parse_ramblocks}): one block list whose lengths add up to its
 * MEM_SIZE, printable block names, page records for listed blocks at page offsets inside them,
 * zero pages filled with 0, XBZRLE and zlib payloads that decode, and every page of every block
 * sent at least once (one bit per page, {@link PageSet}; mapped-ram blocks are complete by
 * construction).
 */
public final class RamCheck implements Check {

    private final long maxTrackedPages;
    private boolean ramSeen;
    private boolean mappedRam;
    private boolean ignoreShared;
    private SectionRef current;
    private long memSize = -1;
    private long blockSum;
    private boolean blockListOpen;
    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private long trackedPages;
    private boolean coverageSkipped;
    private final boolean increment;
    private int pageSize;
    private byte[] scratch;
    private ZlibPages zlib;

    private static final class Block {
        final RamBlockEntry entry;
        PageSet coverage;
        long records;

        Block(RamBlockEntry entry) {
            this.entry = entry;
        }
    }

    /** @param maxTrackedPages pages whose presence is tracked; beyond them the coverage check is skipped */
    public RamCheck(long maxTrackedPages) {
        this(maxTrackedPages, false);
    }

    /**
     * @param increment whether the stream is a qmig increment, which carries only the pages that
     *                  differ from its base: then pages are not expected to be complete
     */
    public RamCheck(long maxTrackedPages, boolean increment) {
        this.maxTrackedPages = maxTrackedPages;
        this.increment = increment;
    }

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (e instanceof RamPage p) {
            page(p, out);
        } else if (e instanceof SectionHeader h) {
            current = h.section();
            ramSeen |= h.idstr().equals(RamSectionCodec.IDSTR);
        } else if (e instanceof SectionEnd s) {
            closeBlockList(s.header().offset(), out);
            current = null;
        } else if (e instanceof RamBlockEntry b) {
            blockEntry(b, out);
        } else if (e instanceof RamMemSize m) {
            memSize(m, out);
        } else if (e instanceof RamMarker m) {
            closeBlockList(m.offset(), out); // EOS, MULTIFD_FLUSH, HOOK: the block list is over
        } else if (e instanceof Configuration c) {
            mappedRam = c.hasCapability("mapped-ram");
            ignoreShared = c.hasCapability("x-ignore-shared");
        }
    }

    private void memSize(RamMemSize m, ProblemSink out) {
        if (memSize >= 0) {
            out.add(ProblemCode.RAM_BLOCK_LIST_REPEATED, m.offset(), current,
                    "a second RAM block list (MEM_SIZE); QEMU sends it once, in the START section");
        }
        memSize = m.totalBytes();
        blockSum = 0;
        blockListOpen = true;
        blocks.clear();
        trackedPages = 0;
        coverageSkipped = false;
    }

    private void blockEntry(RamBlockEntry e, ProblemSink out) {
        String name = e.block().idstr();
        pageSize = e.pageSize();
        if (!Check.printable(name)) {
            out.add(ProblemCode.RAM_BLOCK_NAME_INVALID, e.offset(), current, "RAM block name has bytes outside printable ASCII");
        }
        blockSum += e.block().usedLength();
        Block b = new Block(e);
        blocks.put(name, b);
        if (mappedRam || increment) {
            return; // a mapped-ram block is complete by construction (clear bits are zero pages); an increment is partial
        }
        long pages = e.block().usedLength() / pageSize;
        if (!coverageSkipped && trackedPages + pages <= maxTrackedPages) {
            b.coverage = new PageSet(pages);
            trackedPages += pages;
        } else if (!coverageSkipped) {
            coverageSkipped = true;
            out.add(ProblemCode.RAM_COVERAGE_SKIPPED, e.offset(), current,
                    "more than %d pages of RAM: not checking that every page is present", maxTrackedPages);
        }
    }

    private void closeBlockList(long at, ProblemSink out) {
        if (blockListOpen) {
            blockListOpen = false;
            if (blockSum != memSize) {
                out.add(ProblemCode.RAM_SIZE_MISMATCH, at, current, "RAM blocks add up to 0x%x bytes, MEM_SIZE says 0x%x",
                        blockSum, memSize);
            }
        }
    }

    private void page(RamPage p, ProblemSink out) {
        if (p.kind() != RamPage.Kind.MAPPED) {
            closeBlockList(p.offset(), out);
        }
        Block b = blocks.get(p.block().idstr());
        if (b == null || b.entry.block() != p.block()) {
            out.add(ProblemCode.RAM_BLOCK_UNKNOWN, p.offset(), current,
                    "page for RAM block '%s', which the block list does not name", p.block().idstr());
            return;
        }
        int ps = b.entry.pageSize();
        long used = p.block().usedLength();
        if (p.pageOffset() < 0 || p.pageOffset() % ps != 0 || p.pageOffset() > used - ps) {
            out.add(ProblemCode.RAM_PAGE_OUTSIDE_BLOCK, p.offset(), current,
                    "page at block offset 0x%x is not a page of block '%s' (0x%x bytes)", p.pageOffset(),
                    p.block().idstr(), used);
            return;
        }
        b.records++;
        switch (p.kind()) {
            case ZERO -> {
                if (p.fillByte() != 0) {
                    out.add(ProblemCode.RAM_ZERO_FILL, p.offset(), current,
                            "zero page with fill byte 0x%02x (QEMU 10 accepts only 0)", p.fillByte());
                }
            }
            case XBZRLE -> {
                if (Xbzrle.decode(p.array(), p.arrayOffset(), p.length(), scratch(ps), 0, ps) < 0) {
                    out.add(ProblemCode.RAM_XBZRLE_INVALID, p.offset(), current, "XBZRLE delta of %d bytes does not decode",
                            p.length());
                }
            }
            case COMPRESSED -> {
                if (zlib == null) {
                    zlib = new ZlibPages();
                    out.add(ProblemCode.RAM_COMPRESS_PAGE_OBSOLETE, p.offset(), current,
                            "COMPRESS_PAGE records (QEMU 9.0 and older); QEMU 9.1 and later reject them");
                }
                if (!zlib.inflate(p.array(), p.arrayOffset(), p.length(), scratch(ps), 0, ps)) {
                    out.add(ProblemCode.RAM_ZLIB_INVALID, p.offset(), current,
                            "compressed page of %d bytes does not inflate to one %d-byte page", p.length(), ps);
                }
            }
            default -> {
            }
        }
        if (b.coverage != null) {
            b.coverage.add(p.pageOffset() / ps);
        }
    }

    private byte[] scratch(int size) {
        if (scratch == null || scratch.length != size) {
            scratch = new byte[size];
        }
        return scratch;
    }

    @Override
    public void finish(ProblemSink out) {
        if (!ramSeen) {
            out.add(ProblemCode.RAM_ABSENT, -1, null, "no RAM section: the stream holds device state only");
        }
        for (Block b : blocks.values()) {
            coverage(b, out);
        }
    }

    private void coverage(Block b, ProblemSink out) {
        PageSet c = b.coverage;
        if (c == null || c.count() == c.pages()) {
            return;
        }
        String name = b.entry.block().idstr();
        if (ignoreShared && c.isEmpty()) {
            out.add(ProblemCode.RAM_BLOCK_IGNORED, b.entry.offset(), null,
                    "block '%s' has no pages: with x-ignore-shared it is shared memory the file does not carry", name);
            return;
        }
        out.add(ProblemCode.RAM_PAGE_MISSING, b.entry.offset(), null,
                "block '%s': %d of %d pages never sent (first at block offset 0x%x); the file is not a complete snapshot",
                name, c.pages() - c.count(), c.pages(), c.firstMissing(0) * b.entry.pageSize());
    }

    /** Frees what the check holds outside the heap (the zlib inflater). */
    public void close() {
        if (zlib != null) {
            zlib.close();
            zlib = null;
        }
    }

    /** Page records (or mapped-ram pages) of blocks in the block list. */
    public long records() {
        long n = 0;
        for (Block b : blocks.values()) {
            n += b.records;
        }
        return n;
    }

    /** Whether the configuration declares mapped-ram. */
    public boolean mappedRam() {
        return mappedRam;
    }
}
