package io.github.qmig.codec.io;

import io.github.qmig.codec.MigrationFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link PositionalInput} as a {@link ByteSource}'s seekable input: its buffer is filled by
 * positional reads, nothing is mapped here. Faults of the file under it and closing it are
 * {@code file}'s business (the source over the file the view's bytes come from), if given.
 */
final class PositionalView implements SeekableBytes {

    private final PositionalInput in;
    private final ByteSource file;
    private final boolean owned;

    PositionalView(PositionalInput in, ByteSource file, boolean owned) {
        this.in = in;
        this.file = file;
        this.owned = owned;
    }

    @Override
    public String name() {
        return in.name();
    }

    @Override
    public long size() throws IOException {
        return in.size();
    }

    @Override
    public void copyAt(long at, byte[] dst, int off, int len) throws IOException {
        in.copyAt(at, dst, off, len);
    }

    @Override
    public void copyAt(long at, ByteBuffer dst, int index, int len) throws IOException {
        in.copyAt(at, dst, index, len);
    }

    @Override
    public void copyForward(long at, byte[] dst, int off, int len) throws IOException {
        in.copyForward(at, dst, off, len);
    }

    @Override
    public void readAt(long at, ByteBuffer dst) throws IOException {
        in.readAt(at, dst);
    }

    @Override
    public int fill(long at, byte[] buf, int off, int len) throws IOException {
        long left = in.size() - at;
        if (left <= 0) {
            return -1;
        }
        int n = (int) Math.min(len, left);
        in.copyAt(at, buf, off, n);
        return n;
    }

    @Override
    public boolean inWindow(long at, int n) {
        return false;
    }

    @Override
    public long windowLong(long at) {
        throw new IllegalStateException("no mapped window");
    }

    @Override
    public boolean holds(long at, long n) throws IOException {
        return at + n <= in.size();
    }

    @Override
    public void touchAhead(boolean on) {
        // nothing is mapped ahead here
    }

    @Override
    public MigrationFormatException shrank(InternalError e) {
        if (file == null) {
            throw e;
        }
        return file.shrank(e);
    }

    @Override
    public MigrationFormatException shrunk() throws IOException {
        return file == null ? null : file.shrunk();
    }

    @Override
    public void close() throws IOException {
        if (owned && file != null) {
            file.close();
        }
    }
}
