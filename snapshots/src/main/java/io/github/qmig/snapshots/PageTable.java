package io.github.qmig.snapshots;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One long per page, for every page of a saved state, kept in a temporary file rather than in
 * memory: 8 bytes per page would be 8 MiB for a 4 GiB guest, 2 GiB for a 1 TiB one. Entries are
 * read and written through a small cache of {@value #CHUNK}-entry chunks (1 MiB in all), so the
 * process's memory does not grow with the guest; a stream that sends its pages in order loads and
 * writes each chunk once. Entries never written read as 0 (the file is sparse).
 *
 * <p>Pages are numbered from 0 over all blocks in the order they were {@linkplain #extend added}.
 */
public final class PageTable implements Closeable {

    static final int CHUNK = 8192;
    private static final int SHIFT = 13; // log2(CHUNK): shifts and masks, never a division (C1 calls a runtime routine for it)
    private static final int SLOTS = 16;

    private final Path dir;
    private FileChannel file;
    private final long[][] data = new long[SLOTS][];
    private final long[] chunkOf = new long[SLOTS];
    private final boolean[] dirty = new boolean[SLOTS];
    private final ByteBuffer io = ByteBuffer.allocateDirect(CHUNK * 8);
    /** The chunks ever written to (cached or in the file); the others read as zeros without a look at the file. */
    private final java.util.BitSet created = new java.util.BitSet();
    private long size;

    /** @param dir where the temporary file goes (created on the first write) */
    public PageTable(Path dir) {
        this.dir = dir;
        java.util.Arrays.fill(chunkOf, -1);
    }

    /** Adds {@code pages} entries; returns the index of the first. */
    public long extend(long pages) {
        long first = size;
        size += pages;
        return first;
    }

    public long size() {
        return size;
    }

    public long get(long index) throws IOException {
        long[] c = chunk(index);
        return c == null ? 0 : c[(int) index & (CHUNK - 1)];
    }

    public void set(long index, long value) throws IOException {
        long[] c = chunk(index);
        if (c == null) {
            if (value == 0) {
                return;
            }
            c = load(index >>> SHIFT);
        }
        int slot = (int) (index >>> SHIFT) & (SLOTS - 1);
        c[(int) index & (CHUNK - 1)] = value;
        dirty[slot] = true;
    }

    /** The cached chunk holding {@code index}, loading it if it exists on disk; null if it was never written. */
    private long[] chunk(long index) throws IOException {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("page " + index + " of " + size);
        }
        long n = index >>> SHIFT;
        int slot = (int) n & (SLOTS - 1);
        if (chunkOf[slot] == n) {
            return data[slot];
        }
        return created.get((int) n) ? load(n) : null;
    }

    private long[] load(long n) throws IOException {
        int slot = (int) n & (SLOTS - 1);
        evict(slot);
        long at = n * CHUNK * 8;
        boolean onDisk = created.get((int) n) && file != null && at < file.size();
        created.set((int) n);
        long[] c = data[slot] == null ? new long[CHUNK] : data[slot];
        java.util.Arrays.fill(c, 0);
        if (onDisk) {
            io.clear();
            while (io.hasRemaining() && file.read(io, at + io.position()) >= 0) {
                // positional reads until full or at the end of the file (the rest stays zero)
            }
            io.flip();
            LongBuffer l = io.asLongBuffer();
            l.get(c, 0, l.remaining());
        }
        data[slot] = c;
        chunkOf[slot] = n;
        return c;
    }

    private void evict(int slot) throws IOException {
        if (!dirty[slot]) {
            return;
        }
        if (file == null) {
            Path p = Files.createTempFile(dir, ".qmig-pages", ".tmp");
            file = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        }
        io.clear();
        io.asLongBuffer().put(data[slot]);
        long at = chunkOf[slot] * CHUNK * 8;
        while (io.hasRemaining()) {
            file.write(io, at + io.position());
        }
        dirty[slot] = false;
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
