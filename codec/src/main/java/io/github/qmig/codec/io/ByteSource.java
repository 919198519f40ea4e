package io.github.qmig.codec.io;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The buffered input under every reader: counts the absolute offset of each byte, lets callers peek
 * ahead by up to the buffer's capacity, reads QEMU's big-endian primitives, and skips by seeking
 * when the input is a file. Reads never assume a read call returns more than one byte, so pipes and
 * throttled streams work.
 *
 * <p>Bytes handed out by {@link #take(int, ByteView)} and {@link #slice(int)} are views into the
 * internal buffer: valid until the next call that reads or peeks, never to be modified.
 *
 * <p>A file is read through {@link FileWindows} (memory-mapped, a window at a time); any other
 * {@link PositionalInput} can stand in for it ({@link #of(PositionalInput, String, long, ByteSource, boolean)}).
 * The buffer is
 * filled from the window by copying only what is asked for plus {@link #READ_AHEAD} bytes, and
 * large payloads can be consumed without being copied at all ({@link #deferredTake}): reading the
 * record headers of a multi-GiB stream then touches each page of the file once in place.
 *
 * <p>Errors are {@link MigrationFormatException}s with this source's name; the reader adds the
 * section and record they happened in.
 *
 * <p>Size: the buffer and the primitives over it are one job; the file side is {@link FileWindows}.
 */
public final class ByteSource implements Closeable {

    /** Default buffer size: large enough for any header lookahead and for fast sequential reads. */
    public static final int DEFAULT_BUFFER = 1 << 20;

    /**
     * What a fill from the window copies beyond the bytes asked for: enough to read a few record
     * headers at once, small against the 4 KiB page payloads that {@link #deferredTake} skips.
     */
    static final int READ_AHEAD = 512;

    private final String name;
    private final InputStream stream;
    private final SeekableBytes file;
    private final byte[] buf;
    /** Absolute offset of buf[0]. */
    private long base;
    private int pos;
    private int lim;
    private boolean eof;

    private ByteSource(String name, InputStream stream, SeekableBytes file, long start, int bufferSize) {
        this.name = Objects.requireNonNull(name, "name");
        this.stream = stream;
        this.file = file;
        this.buf = new byte[bufferSize];
        this.base = start;
    }

    /**
     * A source over a file channel, starting at {@code start}; reads are positional, so the channel's
     * own position is neither used nor changed.
     *
     * @param owned whether {@link #close()} closes the channel
     */
    public static ByteSource of(FileChannel channel, String name, long start, boolean owned) {
        return new ByteSource(name, null, new FileWindows(Objects.requireNonNull(channel, "channel"), name, owned),
                start, DEFAULT_BUFFER);
    }

    /**
     * A seekable source over bytes read at positions, starting at {@code start}: a view whose offsets
     * are translated (a snapshot's VM state inside a disk image), read as a file is, seeks and
     * deferred pages included.
     *
     * @param file   the source over the file the view's bytes come from, which reports its faults
     *               (a file that shrank under a mapping), or null
     * @param owned  whether {@link #close()} closes {@code file}
     */
    public static ByteSource of(PositionalInput in, String name, long start, ByteSource file, boolean owned) {
        return new ByteSource(name, null, new PositionalView(Objects.requireNonNull(in, "in"), file, owned), start,
                DEFAULT_BUFFER);
    }

    /** A source over a stream; {@code close()} never closes it. Offsets count from {@code start}. */
    public static ByteSource of(InputStream in, String name, long start) {
        return of(in, name, start, DEFAULT_BUFFER);
    }

    /** As {@link #of(InputStream, String, long)}, with a buffer size of at least 64 KiB. */
    public static ByteSource of(InputStream in, String name, long start, int bufferSize) {
        if (bufferSize < (1 << 16)) {
            throw new IllegalArgumentException("buffer too small: " + bufferSize);
        }
        return new ByteSource(name, Objects.requireNonNull(in, "in"), null, start, bufferSize);
    }

    public String name() {
        return name;
    }

    /**
     * Whether the pages of the window mapped ahead are touched on a background thread (the
     * default): it makes reading faster when the second core is idle, and writing slower when the
     * second core writes the output behind ({@link WriteBehind}). Measured on a 3 GiB stream:
     * {@code info} 0.46 s to 0.34 s with touching; {@code extract} 1.1 s to 1.6 s.
     */
    public void touchAhead(boolean on) {
        if (file != null) {
            file.touchAhead(on);
        }
    }

    /** Absolute offset of the next unread byte. */
    public long position() {
        return base + pos;
    }

    /** Whether this source can seek (a file rather than a stream). */
    public boolean isSeekable() {
        return file != null;
    }

    /** The file read at absolute offsets, or null for a stream. */
    public PositionalInput positional() {
        return file;
    }

    /** The file's size, or -1 for a stream. */
    public long size() throws IOException {
        return file != null ? file.size() : -1;
    }

    /** An error at {@code offset} in this source (the reader adds the section and record). */
    public MigrationFormatException fail(Code code, long offset, String format, Object... args) {
        return new MigrationFormatException(code, name, offset, -1, null,
                args.length == 0 ? format : String.format(format, args));
    }

    /** The error for a fault in a mapped window of a file that may have shrunk: see {@link FileWindows}. */
    public MigrationFormatException shrank(InternalError e) {
        if (file == null) {
            throw e;
        }
        return file.shrank(e);
    }

    /** The TRUNCATED error for a file now shorter than what was mapped of it, or null: see {@link FileWindows}. */
    public MigrationFormatException shrunk() throws IOException {
        return file == null ? null : file.shrunk();
    }

    // ---------------------------------------------------------------- buffering

    /** Bytes buffered after the read position. */
    public int available() {
        return lim - pos;
    }

    /** The capacity: the most bytes {@link #ensure} can make available at once. */
    public int capacity() {
        return buf.length;
    }

    /**
     * Makes at least {@code n} bytes available unless the input ends first.
     *
     * @return whether {@code n} bytes are available
     */
    public boolean ensure(int n) throws IOException {
        if (lim - pos >= n) {
            return true;
        }
        if (n > buf.length) {
            // More than the buffer holds: fine to answer "no" when the input ends first (a
            // lookahead near the end of a large input), a caller's error otherwise.
            if (!ensure(buf.length)) {
                return false;
            }
            throw new IllegalArgumentException("cannot buffer " + n + " bytes (capacity " + buf.length + ")");
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            base += pos;
            lim -= pos;
            pos = 0;
        }
        while (lim < n && !eof) {
            int r;
            if (stream != null) {
                r = stream.read(buf, lim, buf.length - lim);
            } else {
                // a file is mapped: copy what is asked for (plus a little), not the whole buffer
                r = file.fill(base + lim, buf, lim, Math.min(buf.length - lim, Math.max(n - lim, READ_AHEAD)));
            }
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        }
        return lim - pos >= n;
    }

    /** Whether the input has no more bytes. */
    public boolean atEnd() throws IOException {
        return !ensure(1);
    }

    /** Makes {@code n} bytes available or fails with {@link Code#TRUNCATED} where the input ends. */
    public void require(int n) throws IOException {
        if (!ensure(n)) {
            throw fail(Code.TRUNCATED, base + lim, "input ends %d bytes into a %d-byte field", lim - pos, n);
        }
    }

    /** The byte at the read position plus {@code i}, or -1 if the input ends before it. */
    public int peek(int i) throws IOException {
        return ensure(i + 1) ? buf[pos + i] & 0xff : -1;
    }

    /** Big-endian be32 at read position plus {@code i}; the bytes must be available. */
    public int peekInt(int i) {
        int p = pos + i;
        return (buf[p] & 0xff) << 24 | (buf[p + 1] & 0xff) << 16 | (buf[p + 2] & 0xff) << 8 | (buf[p + 3] & 0xff);
    }

    /** Big-endian be64 at read position plus {@code i}; the bytes must be available. */
    public long peekLong(int i) {
        return (long) peekInt(i) << 32 | (peekInt(i + 4) & 0xffffffffL);
    }

    /** The {@code n} available bytes at read position plus {@code i}, as ISO-8859-1 characters. */
    public String peekString(int i, int n) {
        return new String(buf, pos + i, n, StandardCharsets.ISO_8859_1);
    }

    /** Whether the {@code n} available bytes at read position plus {@code i} are all printable ASCII. */
    public boolean peekPrintable(int i, int n) {
        for (int p = pos + i, end = p + n; p < end; p++) {
            if (buf[p] < 0x20 || buf[p] > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first {@code i} in {@code [from, to)} with byte {@code b} at read position plus {@code i},
     * or -1; only available bytes are searched.
     */
    public int indexOf(byte b, int from, int to) {
        int end = pos + Math.min(to, lim - pos);
        for (int p = pos + from; p < end; p++) {
            if (buf[p] == b) {
                return p - pos;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- reading

    public int readU8() throws IOException {
        require(1);
        return buf[pos++] & 0xff;
    }

    public int readU16() throws IOException {
        require(2);
        int v = (buf[pos] & 0xff) << 8 | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    /** A be32 as Java int (compare unsigned where it matters). */
    public int readInt() throws IOException {
        require(4);
        int v = peekInt(0);
        pos += 4;
        return v;
    }

    /** A be64 as Java long (compare unsigned where it matters). */
    public long readLong() throws IOException {
        long at = base + pos;
        if (pos == lim && file != null && file.inWindow(at, 8)) {
            // Nothing buffered (typically right after a deferred page): read the record header
            // straight from the window instead of copying the bytes around it into the buffer.
            long v = file.windowLong(at);
            base = at + 8;
            pos = lim = 0;
            return v;
        }
        require(8);
        long v = peekLong(0);
        pos += 8;
        return v;
    }

    /** Consumes {@code n} bytes and points {@code view} at them (valid until the next read). */
    public ByteView take(int n, ByteView view) throws IOException {
        require(n);
        view.set(buf, pos, n);
        pos += n;
        return view;
    }

    /**
     * Consumes {@code n} bytes without copying them, when they lie in a file: returns their absolute
     * offset, from which {@link #positional()} fetches them on demand (the file does not change under
     * the reader). Returns -1 and consumes nothing for a stream, or when the file ends first; the
     * caller then uses {@link #take}, which reports the truncation.
     */
    public long deferredTake(int n) throws IOException {
        if (file == null || n <= lim - pos) {
            return -1; // a stream, or the bytes are buffered already: take() costs nothing more
        }
        long at = position();
        if (!file.holds(at, n)) {
            return -1;
        }
        base = at + n;
        pos = lim = 0;
        eof = false;
        return at;
    }

    /** Consumes {@code n} bytes and returns a view of them (valid until the next read). */
    public ByteBuffer slice(int n) throws IOException {
        require(n);
        ByteBuffer b = ByteBuffer.wrap(buf, pos, n).slice();
        pos += n;
        return b;
    }

    /** Consumes {@code n} bytes into a new array. */
    public byte[] readBytes(int n) throws IOException {
        byte[] out = new byte[n];
        readFully(out, 0, n);
        return out;
    }

    /** Consumes {@code len} bytes into {@code dst}, in pieces if larger than the buffer. */
    public void readFully(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, buf.length);
            require(n);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** Consumes bytes into {@code dst} until it is full or the input ends; returns how many. */
    public int readUpTo(byte[] dst) throws IOException {
        int off = 0;
        while (off < dst.length) {
            int want = Math.min(dst.length - off, buf.length);
            if (!ensure(want)) {
                want = available();
                if (want == 0) {
                    break;
                }
            }
            System.arraycopy(buf, pos, dst, off, want);
            pos += want;
            off += want;
        }
        return off;
    }

    /** QEMU's counted string: u8 length + bytes, decoded byte for byte (ISO-8859-1). */
    public String readCountedString() throws IOException {
        int n = readU8();
        require(n);
        String s = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
        pos += n;
        return s;
    }

    /**
     * Skips {@code n} bytes: within the buffer by moving the read position, beyond it by seeking
     * (files) or by reading and discarding (streams).
     *
     * @throws MigrationFormatException TRUNCATED if the input ends first
     */
    public void skip(long n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("negative skip " + n);
        }
        if (n <= lim - pos) {
            pos += (int) n;
            return;
        }
        long target = position() + n;
        if (file != null) {
            long size = file.size();
            if (target > size) {
                throw fail(Code.TRUNCATED, size, "input ends %d bytes before the end of a %d-byte field",
                        target - size, n);
            }
            base = target;
            pos = lim = 0;
            eof = false;
            return;
        }
        while (position() < target) {
            long left = target - position();
            if (!ensure(1)) {
                throw fail(Code.TRUNCATED, position(), "input ends %d bytes before the end of a %d-byte field",
                        left, n);
            }
            pos += (int) Math.min(left, lim - pos);
        }
    }

    /** Moves to an absolute offset; backwards only within a seekable file. */
    public void seek(long offset) throws IOException {
        long cur = position();
        if (offset >= cur) {
            skip(offset - cur);
        } else if (file != null) {
            base = offset;
            pos = lim = 0;
            eof = false;
        } else {
            throw new IllegalStateException("cannot seek backwards in a stream: " + name);
        }
    }

    /**
     * Reads {@code dst.remaining()} bytes at an absolute offset without moving the read position
     * (files only; used for random access such as the trailing VMDESCRIPTION).
     */
    public void readAt(long offset, ByteBuffer dst) throws IOException {
        if (file == null) {
            throw new IllegalStateException("positional read needs a file: " + name);
        }
        file.readAt(offset, dst);
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
