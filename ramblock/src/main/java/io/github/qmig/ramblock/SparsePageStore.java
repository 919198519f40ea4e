package io.github.qmig.ramblock;

import io.github.qmig.codec.io.WriteBehind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The final content of every page of every block, kept on disk, never in the heap: each block is a
 * region of a file (its own extracted file, its page region in a mapped-ram output, or a temporary
 * file), written at {@code base + page offset}. Zero pages are never written, so they stay holes.
 *
 * <p>Per block, two compressed page sets ({@link PageSet}, the only per-page state in memory):
 * {@code present} (the page holds data; exactly a mapped-ram bitmap) and {@code stale} (bytes were
 * written to the slot, and the page became zero since). {@link #finish()} zeroes the stale slots,
 * so regions read back exactly. Writes to consecutive slots are combined into large positional writes,
 * done in the background ({@link WriteBehind}) while the caller goes on.
 *
 * <p><b>Settled prefix.</b> A stream normally sends each page once, in ascending order per block.
 * The store tracks, per block, how far the region holds its final content on disk as long as that
 * holds ({@link #settled}): so a consumer can hash a block while it is being written, on another
 * thread, instead of reading it all back at the end; the listener hears of a prefix only once its
 * writes are done. A page changed below that point, or a page
 * that held data and became zero, ends the tracking for its block ({@link #isSettledTracking}
 * turns false) and the consumer falls back to reading the finished region.
 */
public final class SparsePageStore implements PageSource {

    private static final int COMBINE = WriteBehind.BUFFER_SIZE;

    private static final class Slot {
        final RamBlock block;
        final FileChannel channel;
        final long base;
        final PageSet present;
        final PageSet stale;
        /** Bytes [0, settled) of the region are final (written, or being written) unless {@code disturbed}. */
        long settled;
        boolean disturbed;
        /** The settled prefix the listener has not heard of yet, and the write it waits for. */
        long unheard;
        long unheardWrite;

        Slot(RamBlock block, FileChannel channel, long base, int pageSize) {
            this.block = block;
            this.channel = channel;
            this.base = base;
            long pages = (block.usedLength() + pageSize - 1) / pageSize;
            this.present = new PageSet(pages);
            this.stale = new PageSet(pages);
        }
    }

    /** Told when a block's settled prefix grows (see the class comment). */
    public interface SettledListener {
        void settled(RamBlock block, long upTo) throws IOException;
    }

    private final int pageSize;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private SettledListener listener;
    private final WriteBehind writer = new WriteBehind();
    /**
     * Combined pages waiting to be written: a direct buffer from {@link #writer}, because the JDK
     * copies a heap buffer into a temporary direct one for every write and such writes measured
     * ~10x slower in the kernel here (see {@code ByteSink}).
     */
    private ByteBuffer pending;
    private Slot pendingSlot;
    private long pendingStart;
    private int pendingLen;

    public SparsePageStore(int pageSize) {
        this.pageSize = pageSize;
        this.pending = writer.take();
    }

    /**
     * Places a block's pages at {@code base} in {@code channel}.
     *
     * @throws IllegalArgumentException if the block has more than {@link PageSet#MAX_PAGES} pages
     */
    public void declare(RamBlock block, FileChannel channel, long base) {
        if (slots.containsKey(block.idstr())) {
            throw new IllegalStateException("block declared twice: " + block.idstr());
        }
        slots.put(block.idstr(), new Slot(block, channel, base, pageSize));
    }

    /** Sets the listener told when settled prefixes grow (null: none). */
    public void onSettled(SettledListener l) {
        this.listener = l;
    }

    /** Bytes of the block's region final on disk, if {@link #isSettledTracking}. */
    public long settled(RamBlock block) {
        return slot(block).settled;
    }

    /** False once a page of the block changed below its settled prefix or became a stale slot. */
    public boolean isSettledTracking(RamBlock block) {
        return !slot(block).disturbed;
    }

    public boolean declared(String idstr) {
        return slots.containsKey(idstr);
    }

    @Override
    public List<RamBlock> blocks() {
        List<RamBlock> out = new ArrayList<>(slots.size());
        slots.values().forEach(s -> out.add(s.block));
        return out;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    private Slot slot(RamBlock block) {
        Slot s = slots.get(block.idstr());
        if (s == null) {
            throw new IllegalStateException("block not declared: " + block.idstr());
        }
        return s;
    }

    /** Stores a full page (an all-zero page is stored as a hole, like a ZERO record). */
    public void put(RamBlock block, long offset, byte[] src, int off) throws IOException {
        Slot s = slot(block);
        int at = reserve(s, offset);
        pending.put(at, src, off, pageSize);
        keep(s, offset, at);
    }

    /**
     * Stores a PAGE or MAPPED record's payload: copied from the input file's mapping straight into
     * the write buffer when deferred ({@link RamPage#copyTo}), not through the heap.
     */
    public void put(RamBlock block, long offset, RamPage page) throws IOException {
        Slot s = slot(block);
        int at = reserve(s, offset);
        page.copyTo(pending, at);
        keep(s, offset, at);
    }

    /** Where in {@link #pending} the page at {@code offset} goes, flushing first unless it extends the run. */
    private int reserve(Slot s, long offset) throws IOException {
        if (pendingSlot != s || pendingStart + pendingLen != offset || pendingLen + pageSize > COMBINE) {
            flush();
            pendingSlot = s;
            pendingStart = offset;
        }
        return pendingLen;
    }

    /** Adds the page just copied to {@code pending[at]} to the run, or records it as zero (a hole). */
    private void keep(Slot s, long offset, int at) {
        if (Pages.isZero(pending, at, pageSize)) {
            zero(s.block, offset); // the bytes past pendingLen are overwritten by the next page
            return;
        }
        long index = offset / pageSize;
        if (offset < s.settled) {
            s.disturbed = true;
        }
        s.present.add(index);
        s.stale.remove(index);
        pendingLen += pageSize;
    }

    /** Marks a page zero. */
    public void zero(RamBlock block, long offset) {
        Slot s = slot(block);
        long index = offset / pageSize;
        if (s.present.remove(index)) {
            s.stale.add(index); // its slot holds bytes: zeroed by finish()
            s.disturbed = true;
        } else if (offset < s.settled || s.stale.contains(index)) {
            s.disturbed = true; // final content changes below the mark
        }
    }

    @Override
    public boolean present(RamBlock block, long index) {
        return slot(block).present.contains(index);
    }

    @Override
    public void read(RamBlock block, long index, byte[] dst, int off) throws IOException {
        Slot s = slot(block);
        long offset = index * pageSize;
        if (!s.present.contains(index)) {
            System.arraycopy(Pages.zeros(pageSize), 0, dst, off, pageSize);
            return;
        }
        if (pendingSlot == s && offset >= pendingStart && offset < pendingStart + pendingLen) {
            pending.get((int) (offset - pendingStart), dst, off, pageSize);
            return;
        }
        writer.drain(); // the page may be in a write still in flight
        readFully(s.channel, ByteBuffer.wrap(dst, off, pageSize), s.base + offset);
    }

    /** The block's present pages: exactly its mapped-ram bitmap. */
    public PageSet present(RamBlock block) {
        return slot(block).present;
    }

    /** Pages present in the block. */
    public long presentPages(RamBlock block) {
        return slot(block).present.count();
    }

    /** Writes combined pages out. */
    public void flush() throws IOException {
        Slot s = pendingSlot;
        long end = pendingStart + pendingLen;
        long write = 0;
        if (pendingLen > 0) {
            pending.limit(pendingLen).position(0);
            write = writer.write(pending, s.channel, s.base + pendingStart);
            pending = writer.take();
        }
        pendingLen = 0;
        pendingSlot = null;
        // Everything of the block below `end` is final once this write is done: earlier runs were
        // handed over before this one, and untouched slots are holes, i.e. zero pages.
        if (s != null && !s.disturbed && end > s.settled) {
            s.settled = end;
            s.unheard = end;
            s.unheardWrite = write;
        }
        tellListener();
    }

    /** Tells the listener of the settled prefixes whose writes are done. */
    private void tellListener() throws IOException {
        if (listener == null) {
            return;
        }
        long done = writer.completed();
        for (Slot s : slots.values()) {
            if (s.unheard > 0 && s.unheardWrite <= done) {
                long upTo = s.unheard;
                s.unheard = 0;
                listener.settled(s.block, upTo);
            }
        }
    }

    /** Flushes, and zeroes the slots of pages that held data once and are zero now. */
    public void finish() throws IOException {
        flush();
        writer.drain();
        tellListener();
        byte[] zeros = Pages.zeros(pageSize);
        for (Slot s : slots.values()) {
            s.stale.forEachRun((start, length) -> {
                for (long i = start; i < start + length; i++) {
                    WriteBehind.writeFully(s.channel, ByteBuffer.wrap(zeros, 0, pageSize), s.base + i * pageSize);
                    s.stale.remove(i);
                }
            });
        }
    }

    static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, at);
            if (r < 0) {
                b.put(Pages.zeros(b.remaining()), 0, b.remaining()); // a hole past the end reads as zeros
                return;
            }
            at += r;
        }
    }
}
