package io.github.qmig.snapshots;

import io.github.qmig.codec.io.WriteBehind;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Page contents that are nowhere in an input file to be read back: the pages of a pipe, XBZRLE
 * pages decoded, zlib pages inflated. Appended to a temporary file (created on the first page),
 * read back at the position {@link #append} returned.
 */
final class PageSpill implements Closeable {

    private final Path dir;
    private final int pageSize;
    private FileChannel file;
    private ByteBuffer pending;
    /** File position of {@code pending}'s first byte. */
    private long pendingAt;
    private long pages;

    PageSpill(Path dir, int pageSize) {
        this.dir = dir;
        this.pageSize = pageSize;
    }

    /** Stores a page; returns where it lies. */
    long append(byte[] page, int off) throws IOException {
        if (pending == null) {
            Path p = Files.createTempFile(dir, ".qmig-spill", ".tmp");
            file = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            pending = ByteBuffer.allocateDirect(WriteBehind.BUFFER_SIZE);
        }
        if (pending.remaining() < pageSize) {
            flush();
        }
        long at = pendingAt + pending.position();
        pending.put(page, off, pageSize);
        pages++;
        return at;
    }

    private void flush() throws IOException {
        pending.flip();
        WriteBehind.writeFully(file, pending, pendingAt);
        pendingAt += pending.limit();
        pending.clear();
    }

    /** Reads the page stored at {@code at} into {@code dst}. */
    void read(long at, byte[] dst, int off) throws IOException {
        if (at >= pendingAt) {
            pending.get((int) (at - pendingAt), dst, off, pageSize);
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(dst, off, pageSize);
        while (b.hasRemaining()) {
            if (file.read(b, at + b.position() - off) < 0) {
                throw new IOException("temporary page store cut short");
            }
        }
    }

    /** Pages stored. */
    long pages() {
        return pages;
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
