package io.github.qmig.transform.extract;

import io.github.qmig.ramblock.Pages;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.SparsePageStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SHA-256 of each block over its settled prefix, on one background thread, in chunks of
 * {@link #CHUNK}: reads back what was just written (from the page cache) while the main thread
 * goes on reading the stream; runs of zero pages (holes) are hashed from a zero buffer without
 * reading. Only the main thread calls its methods.
 */
final class BlockHasher {
    private static final long CHUNK = 8L << 20;

    private static final class Block {
        final FileChannel channel;
        final MessageDigest md;
        long submitted;
        Future<?> last;

        Block(FileChannel channel) {
            this.channel = channel;
            this.md = sha256();
        }
    }

    private final Map<RamBlock, Block> blocks = new IdentityHashMap<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qmig-sha256");
        t.setDaemon(true);
        return t;
    });
    /** The hashing thread's read buffer. */
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    private final SparsePageStore store;

    BlockHasher(SparsePageStore store) {
        this.store = store;
    }

    void declare(RamBlock b, FileChannel channel) {
        blocks.put(b, new Block(channel));
    }

    /** The store's listener: hashes up to {@code upTo} once a chunk's worth has settled. */
    void settled(RamBlock rb, long upTo) {
        Block b = blocks.get(rb);
        if (b != null && upTo - b.submitted >= CHUNK) {
            submit(b, rb, upTo);
        }
    }

    private void submit(Block b, RamBlock rb, long upTo) {
        long from = b.submitted;
        b.submitted = upTo;
        // Split [from, upTo) into runs of data and of zero pages here, on the main thread,
        // which owns the store; the task only gets the runs: {start, end, zero ? 1 : 0}...
        int ps = store.pageSize();
        long[] runs = new long[16];
        int n = 0;
        for (long at = from; at < upTo; ) {
            boolean data = store.present(rb, at / ps);
            long end = Math.min(upTo, at + ps);
            while (end < upTo && store.present(rb, end / ps) == data) {
                end = Math.min(upTo, end + ps);
            }
            if (n + 3 > runs.length) {
                runs = java.util.Arrays.copyOf(runs, runs.length * 2);
            }
            runs[n++] = at;
            runs[n++] = end;
            runs[n++] = data ? 0 : 1;
            at = end;
        }
        long[] work = runs;
        int count = n;
        b.last = thread.submit(() -> {
            for (int i = 0; i < count; i += 3) {
                if (work[i + 2] == 0) {
                    update(b.md, b.channel, work[i], work[i + 1], buf);
                } else {
                    byte[] zeros = Pages.zeros(1 << 16);
                    for (long left = work[i + 1] - work[i]; left > 0; left -= zeros.length) {
                        b.md.update(zeros, 0, (int) Math.min(left, zeros.length));
                    }
                }
            }
            return null;
        });
    }

    /** Hashes the rest of the (finished) block and returns the hex digest. */
    String finish(RamBlock rb) throws IOException {
        Block b = blocks.get(rb);
        submit(b, rb, rb.usedLength());
        try {
            b.last.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while hashing " + rb.idstr(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
        return HexFormat.of().formatHex(b.md.digest());
    }

    void close() {
        thread.shutdownNow();
    }

    /** SHA-256 of the first {@code length} bytes of a finished block file. */
    static String sha256(FileChannel ch, long length) throws IOException {
        MessageDigest md = sha256();
        update(md, ch, 0, length, ByteBuffer.allocateDirect(1 << 20));
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Feeds bytes [from, to) of {@code ch} to {@code md}, through {@code buf} (direct: see ByteSink). */
    private static void update(MessageDigest md, FileChannel ch, long from, long to, ByteBuffer buf)
            throws IOException {
        long at = from;
        while (at < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - at));
            int r = ch.read(buf, at);
            if (r < 0) {
                break; // past the end of a file that ends in a hole: nothing more to read
            }
            buf.flip();
            md.update(buf);
            at += r;
        }
    }
}
