package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionRef;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;
import io.github.qmig.ramblock.RamMemSize;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.ramblock.mapped.MappedRamHeader;

/**
 * The mapped-ram layout as QEMU writes it (migration/ram.c {@code mapped_ram_setup_ramblock}):
 * each block's bitmap right after its header, its pages 1 MiB aligned, regions that do not overlap
 * and end inside the file, and no bitmap bit beyond the block's pages.
 */
public final class MappedRamCheck implements Check {

    private final long inputSize;
    private SectionRef current;
    private long lastRegionEnd = -1;

    /** @param inputSize the file's size, or -1 if unknown (a pipe) */
    public MappedRamCheck(long inputSize) {
        this.inputSize = inputSize;
    }

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (e instanceof MappedRamBlock m) {
            block(m, out);
        } else if (e instanceof SectionHeader h) {
            current = h.section();
        } else if (e instanceof SectionEnd) {
            current = null;
        } else if (e instanceof RamMemSize) {
            lastRegionEnd = -1; // a new block list lays out anew
        }
    }

    private void block(MappedRamBlock m, ProblemSink out) {
        MappedRamHeader h = m.header();
        String name = m.block().idstr();
        long used = m.block().usedLength();
        if (m.offset() < lastRegionEnd) {
            out.add(ProblemCode.MAPPED_RAM_OVERLAP, m.offset(), current,
                    "block '%s' starts at 0x%x, inside the previous block's region (ends 0x%x)", name, m.offset(),
                    lastRegionEnd);
        }
        if (h.pageSize() != m.pageSize()) {
            out.add(ProblemCode.MAPPED_RAM_PAGE_SIZE, m.offset() + 4, current,
                    "block '%s' header page_size %d, the stream's page size is %d (QEMU reads in its own page size)",
                    name, h.pageSize(), m.pageSize());
        }
        long end = h.pagesOffset() + used;
        lastRegionEnd = Math.max(lastRegionEnd, end);
        if (h.bitmapOffset() != m.offset() + MappedRamHeader.SIZE) {
            out.add(ProblemCode.MAPPED_RAM_BITMAP_OFFSET, m.offset() + 12, current,
                    "block '%s' bitmap at 0x%x, not right after its header (0x%x)", name, h.bitmapOffset(),
                    m.offset() + MappedRamHeader.SIZE);
        }
        if (h.pagesOffset() % MappedRamHeader.ALIGNMENT != 0) {
            out.add(ProblemCode.MAPPED_RAM_MISALIGNED, m.offset() + 20, current,
                    "block '%s' pages at 0x%x, not 1 MiB aligned (QEMU aligns them for O_DIRECT)", name, h.pagesOffset());
        }
        if (inputSize >= 0 && end > inputSize) {
            out.add(ProblemCode.MAPPED_RAM_OFFSET_OUTSIDE_FILE, m.offset() + 20, current,
                    "block '%s' page region 0x%x..0x%x ends past the end of the file (0x%x)", name, h.pagesOffset(),
                    end, inputSize);
        }
        long pages = m.pageCount();
        for (long i = pages; i < m.bitmap().bits(); i++) {
            if (m.isSet(i)) {
                out.add(ProblemCode.MAPPED_RAM_BITMAP_EXCESS, h.bitmapOffset() + (i >>> 3), current,
                        "block '%s' bitmap bit %d is set, the block has only %d pages", name, i, pages);
                break;
            }
        }
    }
}
