package io.github.qmig.codec;

import io.github.qmig.codec.MigrationFormatException.Reason;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The buffered input under every reader: counts the absolute offset of each byte, lets callers peek
 * ahead by up to the buffer's capacity, reads QEMU's big-endian primitives, and skips by seeking
 * when the input is a file. Reads never assume a read call returns more than one byte, so pipes and
 * throttled streams work.
 *
 * <p>Bytes handed out by {@link #take(int)} and {@link #slice(int)} are views into the internal
 * buffer: valid until the next call that reads or peeks, never to be modified.
 *
 * <p>Every error is a {@link MigrationFormatException} built by {@link #fail}, which adds the input's
 * name and the section and event the owner set with {@link #setContext}.
 *
 * <p><b>Files are memory-mapped</b>, a {@link #WINDOW}-sized window at a time, unmapped as soon as
 * the reader moves on (so the file's pages never pile up in the process's resident set). The
 * buffer is filled from the window by copying only what is asked for plus {@link #READ_AHEAD}
 * bytes, and large payloads can be consumed without being copied at all ({@link #deferredTake}):
 * reading the record headers of a multi-GiB stream then touches each page of the file once in
 * place, instead of copying every byte twice (kernel to JDK buffer, JDK buffer to heap) as
 * positional reads do. Measured on a 3 GiB stream: {@code qmig info} 1.9 s to 0.6 s. While the
 * reader moves through a file window by window, the next window is mapped ahead and its pages are
 * touched on a background thread ({@link WindowPager}), unless {@link #touchAhead} is off.
 */
public final class ByteSource implements Closeable {

    /** Default buffer size: large enough for any header lookahead and for fast sequential reads. */
    public static final int DEFAULT_BUFFER = 1 << 20;

    /** Size of the file window that is mapped at a time (a multiple of any page size). */
    static final long WINDOW = 16L << 20;

    /**
     * What a fill from the window copies beyond the bytes asked for: enough to read a few record
     * headers at once, small against the 4 KiB page payloads that {@link #deferredTake} skips.
     */
    static final int READ_AHEAD = 512;

    private final String name;
    private final InputStream stream;
    private final FileChannel file;
    private final boolean owned;
    private final byte[] buf;
    private final ByteBuffer wrapped;
    /** Absolute offset of buf[0]. */
    private long base;
    private int pos;
    private int lim;
    private boolean eof;

    private SectionRef section;
    private long eventOffset = -1;

    /** The mapped window of a file (sequential reads), its absolute start and end; null if none. */
    private MappedByteBuffer window;
    private long windowStart;
    private long windowEnd;
    /** The pre-faulting of {@link #window} that may still run (it was mapped ahead); null if none. */
    private WindowPager.Touch windowTouch;
    /** The window after {@link #window} when reading sequentially, being pre-faulted; null if none. */
    private MappedByteBuffer ahead;
    private long aheadStart;
    private long aheadEnd;
    private WindowPager.Touch aheadTouch;
    /** A second window for {@link #readAt}, so random reads do not unmap the sequential one. */
    private MappedByteBuffer randomWindow;
    private long randomStart;
    private long randomEnd;
    /** The file size last seen (files only); refreshed when a read reaches it. */
    private long knownSize = -1;
    private boolean unmappable;
    private boolean touchAhead = true;
    private boolean closed;

    private ByteSource(String name, InputStream stream, FileChannel file, long start, boolean owned, int bufferSize) {
        this.name = Objects.requireNonNull(name, "name");
        this.stream = stream;
        this.file = file;
        this.owned = owned;
        this.buf = new byte[bufferSize];
        this.wrapped = ByteBuffer.wrap(buf);
        this.base = start;
    }

    /**
     * A source over a file channel, starting at {@code start}; reads are positional, so the channel's
     * own position is neither used nor changed.
     *
     * @param owned whether {@link #close()} closes the channel
     */
    public static ByteSource of(FileChannel channel, String name, long start, boolean owned) {
        return new ByteSource(name, null, channel, start, owned, DEFAULT_BUFFER);
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
        return new ByteSource(name, Objects.requireNonNull(in, "in"), null, start, false, bufferSize);
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
        this.touchAhead = on;
    }

    /** Absolute offset of the next unread byte. */
    public long position() {
        return base + pos;
    }

    /** Whether this source can seek (a file rather than a stream). */
    public boolean isSeekable() {
        return file != null;
    }

    /** The file's size, or -1 for a stream. */
    public long size() throws IOException {
        return file != null ? file.size() : -1;
    }

    /** Sets what errors report besides the offset: the current section (or null) and event start. */
    public void setContext(SectionRef section, long eventOffset) {
        this.section = section;
        this.eventOffset = eventOffset;
    }

    public SectionRef section() {
        return section;
    }

    /** Builds the format exception for {@code offset}, with this source's name and context. */
    public MigrationFormatException fail(Reason reason, long offset, String format, Object... args) {
        String detail = args.length == 0 ? format : String.format(format, args);
        return new MigrationFormatException(reason, name, offset, eventOffset, section, detail);
    }

    /**
     * The error for a fault reading a mapped window. Reading a page of a mapping beyond the end of
     * its file raises SIGBUS, which HotSpot turns into an {@link InternalError}; in compiled code it
     * is thrown at the next safepoint, not at the read, so it is caught around whole loops, not
     * single reads: {@link MigrationReader#next()} catches it, and a caller that copies deferred
     * payloads ({@link #copyAt}) catches it around its loop over events and hands it here. If the
     * file is now shorter than what was mapped, another process shrank it while it was read: a
     * {@link Reason#TRUNCATED} error at its new end. Otherwise the error is not this source's to
     * explain and is thrown as it is.
     */
    public MigrationFormatException shrank(InternalError e) {
        MigrationFormatException shrunk;
        try {
            shrunk = shrunk();
        } catch (IOException io) {
            e.addSuppressed(io);
            throw e;
        }
        if (shrunk == null) {
            throw e;
        }
        return shrunk;
    }

    /**
     * The {@link Reason#TRUNCATED} error for a file now shorter than what was mapped of it, or null
     * if it is not (or this source is not a file). A cut inside a page does not fault: the rest of that
     * page reads as zeros, which may even parse. So the reader asks this when it reaches the end or
     * fails, and the zeros are not taken for the file's bytes.
     */
    public MigrationFormatException shrunk() throws IOException {
        if (file == null) {
            return null;
        }
        long mapped = Math.max(Math.max(windowEnd, aheadEnd), randomEnd);
        long now = file.size();
        if (now >= mapped) {
            return null;
        }
        knownSize = now;
        return fail(Reason.TRUNCATED, now, "the file shrank from at least %d to %d bytes while it was read",
                mapped, now);
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
            // a file is mapped: copy what is asked for (plus a little), not the whole buffer
            int want = stream != null ? buf.length - lim : Math.min(buf.length - lim, Math.max(n - lim, READ_AHEAD));
            int r = fill(lim, want);
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        }
        return lim - pos >= n;
    }

    private int fill(int off, int len) throws IOException {
        if (stream != null) {
            return stream.read(buf, off, len);
        }
        long at = base + off;
        if (!unmappable) {
            if (at >= windowStart && at < windowEnd || mapWindow(at)) {
                int n = (int) Math.min(len, windowEnd - at);
                window.get((int) (at - windowStart), buf, off, n);
                return n;
            }
            if (!unmappable) {
                return -1; // the end of the file
            }
        }
        wrapped.limit(off + len).position(off);
        int r;
        do {
            r = file.read(wrapped, at);
        } while (r == 0);
        return r;
    }

    /** Maps the window holding {@code at}; false at the end of the file. */
    private boolean mapWindow(long at) throws IOException {
        checkOpen();
        if (at >= knownSize && at >= (knownSize = file.size())) {
            return false;
        }
        long previousEnd = windowEnd;
        dropWindow();
        long start = at & -WINDOW;
        long end = Math.min(start + WINDOW, knownSize);
        if (ahead != null && start == aheadStart) {
            window = ahead; // its touching may go on: dropWindow() stops it before unmapping
            windowTouch = aheadTouch;
            end = aheadEnd;
            ahead = null;
            aheadTouch = null;
        } else {
            dropAhead();
            window = mapOrNull(start, end);
            if (window == null) {
                return false;
            }
        }
        windowStart = start;
        windowEnd = end;
        if (start == previousEnd && end < knownSize) {
            long next = Math.min(end + WINDOW, knownSize);
            ahead = mapOrNull(end, next);
            if (ahead != null) {
                aheadStart = end;
                aheadEnd = next;
                aheadTouch = touchAhead ? WindowPager.touch(ahead) : null;
            }
        }
        return true;
    }

    private void dropWindow() {
        if (windowTouch != null) {
            windowTouch.stop();
            windowTouch = null;
        }
        WindowPager.unmap(window);
        window = null;
        windowStart = windowEnd = 0;
    }

    private void dropAhead() {
        if (aheadTouch != null) {
            aheadTouch.stop();
            aheadTouch = null;
        }
        WindowPager.unmap(ahead);
        ahead = null;
        aheadStart = aheadEnd = 0;
    }

    private MappedByteBuffer mapOrNull(long start, long end) throws IOException {
        try {
            return file.map(FileChannel.MapMode.READ_ONLY, start, end - start);
        } catch (IOException | UnsupportedOperationException e) {
            unmappable = true; // a file system without mmap: positional reads instead
            return null;
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException(name + ": source is closed");
        }
    }

    /** Whether the input has no more bytes. */
    public boolean atEnd() throws IOException {
        return !ensure(1);
    }

    /** Makes {@code n} bytes available or fails with {@link Reason#TRUNCATED} where the input ends. */
    public void require(int n) throws IOException {
        if (!ensure(n)) {
            throw fail(Reason.TRUNCATED, base + lim, "input ends %d bytes into a %d-byte field", lim - pos, n);
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

    /** The internal buffer, for scanning and zero-copy views; see {@link #readIndex()}. */
    public byte[] array() {
        return buf;
    }

    /** Index in {@link #array()} of the next unread byte. */
    public int readIndex() {
        return pos;
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
        if (pos == lim && at >= windowStart && at + 8 <= windowEnd && window != null) {
            // Nothing buffered (typically right after a deferred page): read the record header
            // straight from the window instead of copying the bytes around it into the buffer.
            long v = window.getLong((int) (at - windowStart)); // big-endian, the default order
            base = at + 8;
            pos = lim = 0;
            return v;
        }
        require(8);
        long v = peekLong(0);
        pos += 8;
        return v;
    }

    /** Consumes {@code n} bytes and returns their index in {@link #array()}. */
    public int take(int n) throws IOException {
        require(n);
        int at = pos;
        pos += n;
        return at;
    }

    /**
     * Consumes {@code n} bytes without copying them, when they lie in a file: returns their absolute
     * offset, from which {@link #copyAt} fetches them on demand (the file does not change under
     * the reader). Returns -1 and consumes nothing for a stream, or when the file ends first; the
     * caller then uses {@link #take}, which reports the truncation.
     */
    public long deferredTake(int n) throws IOException {
        if (file == null || n <= lim - pos) {
            return -1; // a stream, or the bytes are buffered already: take() costs nothing more
        }
        long at = position();
        if (at + n > knownSize && at + n > (knownSize = file.size())) {
            return -1;
        }
        base = at + n;
        pos = lim = 0;
        eof = false;
        return at;
    }

    /**
     * Copies {@code len} bytes at absolute offset {@code at} of a file into {@code dst}, from the
     * mapped windows when they hold them (no system call); see {@link #deferredTake}.
     */
    public void copyAt(long at, byte[] dst, int off, int len) throws IOException {
        if (window != null && at >= windowStart && at + len <= windowEnd) {
            window.get((int) (at - windowStart), dst, off, len); // the usual case: no wrapper allocated
            return;
        }
        readAt(at, ByteBuffer.wrap(dst, off, len));
    }

    /**
     * As {@link #copyAt(long, byte[], int, int)}, into {@code dst} at {@code index} without moving its
     * position: from a mapped window straight into, say, a direct write buffer, in one copy.
     */
    public void copyAt(long at, ByteBuffer dst, int index, int len) throws IOException {
        if (window != null && at >= windowStart && at + len <= windowEnd) {
            dst.put(index, window, (int) (at - windowStart), len);
            return;
        }
        readAt(at, dst.duplicate().limit(index + len).position(index));
    }

    /** Consumes {@code n} bytes and returns a view of them (valid until the next read). */
    public ByteBuffer slice(int n) throws IOException {
        int at = take(n);
        return ByteBuffer.wrap(buf, at, n).slice();
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
            int at = take(n);
            System.arraycopy(buf, at, dst, off, n);
            off += n;
            len -= n;
        }
    }

    /** QEMU's counted string: u8 length + bytes, decoded byte for byte (ISO-8859-1). */
    public String readCountedString() throws IOException {
        int n = readU8();
        int at = take(n);
        return new String(buf, at, n, StandardCharsets.ISO_8859_1);
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
                throw fail(Reason.TRUNCATED, size, "input ends %d bytes before the end of a %d-byte field",
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
                throw fail(Reason.TRUNCATED, position(), "input ends %d bytes before the end of a %d-byte field",
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
     * Reads {@code len} bytes at an absolute offset without moving the read position (files only;
     * used for random access such as mapped-ram bitmaps and the trailing VMDESCRIPTION).
     */
    public void readAt(long offset, ByteBuffer dst) throws IOException {
        if (file == null) {
            throw new IllegalStateException("positional read needs a file: " + name);
        }
        checkOpen();
        long at = offset;
        int n = dst.remaining();
        if (dst.hasArray() && window != null && at >= windowStart && at + n <= windowEnd) {
            window.get((int) (at - windowStart), dst.array(), dst.arrayOffset() + dst.position(), n);
            dst.position(dst.position() + n);
            return;
        }
        if (dst.hasArray() && n <= WINDOW / 2 && !unmappable) {
            if (!(at >= randomStart && at + n <= randomEnd)) {
                long size = file.size();
                long start = at & -(WINDOW / 2);
                long end = Math.min(start + WINDOW, size);
                if (at + n <= end) {
                    WindowPager.unmap(randomWindow);
                    randomWindow = null;
                    randomStart = randomEnd = 0;
                    randomWindow = mapOrNull(start, end);
                    if (randomWindow != null) {
                        randomStart = start;
                        randomEnd = end;
                    }
                }
            }
            if (randomWindow != null && at >= randomStart && at + n <= randomEnd) {
                randomWindow.get((int) (at - randomStart), dst.array(), dst.arrayOffset() + dst.position(), n);
                dst.position(dst.position() + n);
                return;
            }
        }
        while (dst.hasRemaining()) {
            int r = file.read(dst, at);
            if (r < 0) {
                throw fail(Reason.TRUNCATED, at, "input ends %d bytes before the end of a positional read",
                        dst.remaining());
            }
            at += r;
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        dropWindow();
        dropAhead();
        MappedByteBuffer r = randomWindow;
        randomWindow = null;
        randomStart = randomEnd = 0;
        WindowPager.unmap(r);
        if (owned && file != null) {
            file.close();
        }
    }
}
