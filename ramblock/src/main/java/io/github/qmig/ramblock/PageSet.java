package io.github.qmig.ramblock;

import io.github.qmig.codec.io.ByteSink;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A set of page indexes of one RAM block, compressed ({@link RoaringBitmap}): memory follows the
 * pages a file really holds and how they cluster, not the size the block claims. A hostile file
 * that declares a 4 TiB block and holds three pages costs bytes; a complete guest costs a few KiB
 * per GiB (runs of present pages are kept as runs). Indexes are below 2^32 (16 TiB of 4 KiB pages;
 * {@link #MAX_PAGES}).
 */
public final class PageSet {

    /** The most pages a block may have here: indexes are unsigned 32-bit. */
    public static final long MAX_PAGES = 1L << 32;

    /** Adds between run compressions (each costs a pass over the containers: tiny beside 4 GiB of pages). */
    private static final int OPTIMIZE_EVERY = 1 << 20;

    private final long pages;
    private final RoaringBitmap bits = new RoaringBitmap();
    private int addsSinceOptimize;

    /** @param pages the block's page count, at most {@link #MAX_PAGES} */
    public PageSet(long pages) {
        if (pages < 0 || pages > MAX_PAGES) {
            throw new IllegalArgumentException("page count " + pages + " (at most 2^32)");
        }
        this.pages = pages;
    }

    /** The block's page count (the universe of this set). */
    public long pages() {
        return pages;
    }

    /** Adds page {@code i}; true if it was not there. */
    public boolean add(long i) {
        boolean added = bits.checkedAdd(index(i));
        if (added && ++addsSinceOptimize >= OPTIMIZE_EVERY) {
            addsSinceOptimize = 0;
            bits.runOptimize();
        }
        return added;
    }

    /** Adds pages {@code [from, to)}. */
    public void addRange(long from, long to) {
        if (from < 0 || to > pages || from > to) {
            throw new IndexOutOfBoundsException("pages [" + from + ", " + to + ") of " + pages);
        }
        bits.add(from, to);
    }

    /** Removes page {@code i}; true if it was there. */
    public boolean remove(long i) {
        return bits.checkedRemove(index(i));
    }

    public boolean contains(long i) {
        return bits.contains(index(i));
    }

    /** Pages in the set. */
    public long count() {
        return bits.getLongCardinality();
    }

    public boolean isEmpty() {
        return bits.isEmpty();
    }

    /** The first page at or after {@code from} not in the set, or -1 if every page from there is. */
    public long firstMissing(long from) {
        if (from >= pages) {
            return -1;
        }
        long next = bits.nextAbsentValue(index(from));
        return next >= 0 && next < pages ? next : -1;
    }

    /** The first page at or after {@code from} in the set, or -1. */
    public long firstPresent(long from) {
        if (from >= pages) {
            return -1;
        }
        long next = bits.nextValue(index(from));
        return next >= 0 && next < pages ? next : -1;
    }

    /** Told of one run of consecutive pages. */
    public interface RunConsumer {
        void run(long start, long length) throws IOException;
    }

    /** The runs of pages in the set, ascending. */
    public void forEachRun(RunConsumer c) throws IOException {
        long at = firstPresent(0);
        while (at >= 0) {
            long end = firstMissing(at);
            long stop = end < 0 ? pages : end;
            c.run(at, stop - at);
            at = stop < pages ? firstPresent(stop) : -1;
        }
    }

    /** The runs of pages not in the set, ascending. */
    public void forEachMissingRun(RunConsumer c) throws IOException {
        long at = firstMissing(0);
        while (at >= 0) {
            long end = firstPresent(at);
            long stop = end < 0 ? pages : end;
            c.run(at, stop - at);
            at = stop < pages ? firstMissing(stop) : -1;
        }
    }

    /**
     * Writes the set as a mapped-ram page bitmap (bit {@code i} of byte {@code i / 8}: 64-bit
     * little-endian words, as QEMU's {@code bitmap_to_le}) of {@code bytes} bytes at {@code offset},
     * a chunk at a time: never the whole bitmap in the heap.
     */
    public void writeBitmap(ByteSink sink, long offset, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10).order(ByteOrder.LITTLE_ENDIAN); // 512 Ki pages
        long[] words = new long[chunk.capacity() / 8];
        PeekableIntIterator it = bits.getIntIterator();
        for (long done = 0; done < bytes; ) {
            int n = (int) Math.min(chunk.capacity(), bytes - done);
            long firstPage = done * 8;
            long endPage = firstPage + n * 8L;
            Arrays.fill(words, 0);
            if (firstPage < pages) {
                it.advanceIfNeeded((int) firstPage);
                while (it.hasNext()) {
                    long p = Integer.toUnsignedLong(it.peekNext());
                    if (p >= endPage) {
                        break;
                    }
                    words[(int) ((p - firstPage) >>> 6)] |= 1L << p;
                    it.next();
                }
            }
            chunk.clear();
            for (int w = 0; w < (n + 7) / 8; w++) {
                chunk.putLong(w * 8, words[w]); // a last partial word is cut by the limit
            }
            chunk.limit(n);
            sink.writeAt(offset + done, chunk);
            done += n;
        }
    }

    /** Heap bytes the set takes now (for limits and tests). */
    public long heapBytes() {
        return bits.getLongSizeInBytes();
    }

    private int index(long i) {
        if (i < 0 || i >= pages) {
            throw new IndexOutOfBoundsException("page " + i + " of " + pages);
        }
        return (int) i;
    }
}
