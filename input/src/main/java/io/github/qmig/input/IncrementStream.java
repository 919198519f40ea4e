package io.github.qmig.input;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Checks the QEMU stream of an increment against its header's length and {@link StreamDigest}:
 * a file at once, before anything reads it ({@link #verify}); a pipe while it is read, the error
 * coming with its last byte, so a damaged increment never reaches a reader's end.
 */
final class IncrementStream extends FilterInputStream {

    private final IncrementHeader header;
    private final String source;
    private final long start;
    private final StreamDigest digest = new StreamDigest();
    private boolean checked;

    /** @param start the offset of the stream's first byte in the input, for messages */
    IncrementStream(InputStream in, IncrementHeader header, String source, long start) {
        super(in);
        this.header = header;
        this.source = source;
        this.start = start;
    }

    /** Checks the stream of the increment at {@code start} of a file. */
    static void verify(FileChannel file, IncrementHeader h, String source, long start) throws IOException {
        long size = file.size();
        long end = start + h.streamLength();
        if (end < start || end > size) {
            throw new MigrationFormatException(Code.TRUNCATED, source, size, 0, null, String.format(
                    "increment cut short: its header promises %d bytes of stream, the file has %d",
                    h.streamLength(), Math.max(0, size - start)));
        }
        if (end < size) {
            throw new MigrationFormatException(Code.TRAILING_DATA, source, end, 0, null,
                    (size - end) + " bytes after the increment's stream");
        }
        StreamDigest d = new StreamDigest();
        ByteBuffer buf = ByteBuffer.allocate(StreamDigest.PIECE * 4);
        for (long at = start; at < end; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - at));
            int n = file.read(buf, at);
            if (n < 0) {
                throw new MigrationFormatException(Code.TRUNCATED, source, at, 0, null, "increment cut short while read");
            }
            d.update(buf.array(), 0, n);
            at += n;
        }
        check(d, h, source);
    }

    private static void check(StreamDigest d, IncrementHeader h, String source) throws MigrationFormatException {
        if (!IncrementHeader.hex(d.digest()).equals(h.streamDigest())) {
            throw new MigrationFormatException(Code.INCREMENT_DAMAGED, source, 96, 0, null,
                    "the increment's stream does not match its digest: the increment is damaged");
        }
    }

    private long left() {
        return header.streamLength() - digest.length();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (left() == 0) {
            finish();
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, left()));
        if (n < 0) {
            throw new MigrationFormatException(Code.TRUNCATED, source, start + digest.length(), 0, null, String.format(
                    "increment cut short: its header promises %d bytes of stream", header.streamLength()));
        }
        digest.update(b, off, n);
        if (left() == 0) {
            finish();
        }
        return n;
    }

    /** At the stream's end: the digest, and nothing after it. */
    private void finish() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        check(digest, header, source);
        if (super.read() >= 0) {
            throw new MigrationFormatException(Code.TRAILING_DATA, source, start + header.streamLength(), 0, null,
                    "data after the increment's stream");
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 1 << 16)];
        long done = 0;
        while (done < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), left());
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
