package io.github.qmig.codec.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes filled buffers to files on a background thread while the caller fills the next one, from
 * a pool of {@link #BUFFERS} direct buffers of {@link #BUFFER_SIZE} bytes. The kernel's copy into
 * the output's page cache is the largest cost of converting and extracting; done here it overlaps
 * with reading the input on the other core. Measured on a 3.2 GB stream (docs/performance.md):
 * {@code convert --no-sync --to mapped-ram} 1.3-1.7 s writing in line, 1.0-1.1 s writing behind
 * ({@code cp}: 0.95-1.2 s).
 *
 * <p>All instances share one JVM-wide daemon thread, {@code qmig-writer}, which does the writes in
 * the order they were handed over, so a file written through two instances (a mapped-ram output's
 * {@link ByteSink} and its page store) gets them in program order. Each write goes out in
 * {@link #WRITE_SIZE} pieces. A failed write is kept and thrown by the owner's next
 * call; later writes of the same instance are skipped.
 *
 * <p>One thread owns an instance: it takes buffers, hands them back with {@link #write}, and waits
 * with {@link #drain} before anything that must see the written bytes (reading them back,
 * positional writes over them, fsync, closing the channel).
 */
public final class WriteBehind {

    /** Size of each buffer: larger buffers measured faster, up to 1 MiB. */
    public static final int BUFFER_SIZE = 1 << 20;

    /**
     * Bytes per write system call. Measured on the project's VM (ext4, Linux 6.18;
     * docs/performance.md): writing 3 GiB into a new file took 0.7-0.9 s in 32 or 64 KiB writes
     * and 1.1-5.4 s, erratically, in 128 KiB to 1 MiB writes; the kernel's copy into newly
     * allocated page cache is the difference.
     */
    public static final int WRITE_SIZE = 1 << 16;

    /** Buffers in the pool: one being filled while up to three are written. */
    public static final int BUFFERS = 4;

    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qmig-writer");
        t.setDaemon(true);
        return t;
    });

    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private int allocated;
    /** Writes handed over (owner thread only). */
    private long submitted;
    /** Writes finished, in order; guarded by {@code this}. */
    private long completed;
    private volatile IOException failure;

    /**
     * A cleared buffer to fill, waiting for one to come back from the writer if all are in use (a
     * failed write still gives its buffer back; the failure is thrown by the next {@link #write} or
     * {@link #drain}).
     */
    public ByteBuffer take() {
        ByteBuffer b = free.poll();
        if (b != null) {
            return b.clear();
        }
        if (allocated < BUFFERS) {
            allocated++;
            return ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        boolean interrupted = false;
        while (b == null) {
            try {
                b = free.take();
            } catch (InterruptedException e) {
                interrupted = true; // a write is in flight and gives its buffer back soon: wait on
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return b.clear();
    }

    /**
     * Hands over {@code buf}, a buffer from {@link #take()}: its bytes from position to limit are
     * written at absolute offset {@code at} of {@code channel}, and the buffer goes back to the pool.
     * The caller must not touch it any more.
     *
     * @return the write's number, counting from 1, for {@link #completed()}
     * @throws IOException if an earlier write failed
     */
    public long write(ByteBuffer buf, FileChannel channel, long at) throws IOException {
        check();
        long n = ++submitted;
        THREAD.execute(() -> run(buf, channel, at));
        return n;
    }

    private void run(ByteBuffer buf, FileChannel channel, long at) {
        try {
            if (failure == null) {
                writeFully(channel, buf, at);
            }
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new IOException(e.toString(), e); // e.g. a channel not open for writing
        } finally {
            free.add(buf);
            synchronized (this) {
                completed++;
                notifyAll();
            }
        }
    }

    /** Writes {@code buf}'s remaining bytes at {@code at} now, in {@link #WRITE_SIZE} pieces. */
    public static void writeFully(FileChannel channel, ByteBuffer buf, long at) throws IOException {
        int end = buf.limit();
        try {
            while (buf.position() < end) {
                buf.limit(Math.min(end, buf.position() + WRITE_SIZE));
                at += channel.write(buf, at);
            }
        } finally {
            buf.limit(end);
        }
    }

    /** How many writes have finished (they finish in order): write {@code n} is done once this is {@code >= n}. */
    public synchronized long completed() {
        return completed;
    }

    /**
     * Waits until every write handed over is done.
     *
     * @throws IOException if one failed
     */
    public void drain() throws IOException {
        synchronized (this) {
            boolean interrupted = false;
            while (completed < submitted) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // buffers in flight must not be reused: wait on
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        check();
    }

    private void check() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException(e.getMessage(), e); // on the owner's thread, with its stack
        }
    }
}
