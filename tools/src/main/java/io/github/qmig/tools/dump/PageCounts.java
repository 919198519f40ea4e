package io.github.qmig.tools.dump;

/**
 * RAM page records by kind (migration/ram.c {@code ram_load_precopy}): full pages, zero pages,
 * XBZRLE deltas, zlib pages (QEMU up to 9.0), and pages stored in place in a mapped-ram file.
 */
public record PageCounts(long page, long zero, long xbzrle, long compressed, long mapped) {

    public static final PageCounts NONE = new PageCounts(0, 0, 0, 0, 0);

    public long total() {
        return page + zero + xbzrle + compressed + mapped;
    }

    public PageCounts plus(PageCounts o) {
        return new PageCounts(page + o.page, zero + o.zero, xbzrle + o.xbzrle, compressed + o.compressed,
                mapped + o.mapped);
    }
}
