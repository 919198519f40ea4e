package io.github.qmig.inspect.validate.checks;

/**
 * Which pages of one RAM block have been seen, as a sparse bitset: chunks of {@link #CHUNK_PAGES}
 * bits are allocated when a page in them first appears, so memory follows the pages the file
 * really holds (a 1 TiB guest of 4 KiB pages needs 32 MiB when complete, a hostile file that
 * claims 1 TiB but holds three pages needs a few KiB).
 */
final class RamCoverage {

    static final int CHUNK_PAGES = 4096;

    private final long pages;
    private final long[][] chunks;
    private long seen;

    RamCoverage(long pages) {
        if (pages < 0 || (pages + CHUNK_PAGES - 1) / CHUNK_PAGES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("page count " + pages);
        }
        this.pages = pages;
        this.chunks = new long[(int) ((pages + CHUNK_PAGES - 1) / CHUNK_PAGES)][];
    }

    /** Marks page {@code i} (0 <= i < pages) as seen. */
    void mark(long i) {
        int c = (int) (i / CHUNK_PAGES);
        long[] chunk = chunks[c];
        if (chunk == null) {
            chunk = chunks[c] = new long[CHUNK_PAGES / 64];
        }
        int bit = (int) (i % CHUNK_PAGES);
        long mask = 1L << (bit & 63);
        if ((chunk[bit >>> 6] & mask) == 0) {
            chunk[bit >>> 6] |= mask;
            seen++;
        }
    }

    long pages() {
        return pages;
    }

    /** Distinct pages seen. */
    long seen() {
        return seen;
    }

    /** The first page not seen, or -1 if all were. */
    long firstMissing() {
        for (int c = 0; c < chunks.length; c++) {
            long base = (long) c * CHUNK_PAGES;
            long[] chunk = chunks[c];
            if (chunk == null) {
                return base < pages ? base : -1;
            }
            for (int w = 0; w < chunk.length; w++) {
                if (chunk[w] != -1L) {
                    long i = base + w * 64L + Long.numberOfTrailingZeros(~chunk[w]);
                    return i < pages ? i : -1;
                }
            }
        }
        return -1;
    }
}
