package io.github.qmig.codec.io;

import io.github.qmig.codec.MigrationFormatException;

import java.io.IOException;

/**
 * What {@link ByteSource} needs of a seekable input besides positional reads: filling its buffer,
 * whether a span is there, and how faults and closing are handled. {@link FileWindows} is a file
 * read through mapped windows; {@link PositionalView} is any {@link PositionalInput} (a snapshot's VM
 * state inside a disk image, whose offsets are translated cluster by cluster).
 */
interface SeekableBytes extends PositionalInput {

    /**
     * Copies up to {@code len} bytes at {@code at} into {@code buf[off..]}.
     *
     * @return the bytes copied, at least 1, or -1 at the end
     */
    int fill(long at, byte[] buf, int off, int len) throws IOException;

    /** Whether {@code [at, at + n)} lies in a mapped window that {@link #windowLong} reads from. */
    boolean inWindow(long at, int n);

    /** The big-endian be64 at {@code at}, which must be {@link #inWindow}. */
    long windowLong(long at);

    /** Whether the input holds {@code [at, at + n)}. */
    boolean holds(long at, long n) throws IOException;

    /** See {@link ByteSource#touchAhead}. */
    void touchAhead(boolean on);

    /** The error for a fault in a mapped window of a file that may have shrunk, or {@code e} thrown itself. */
    MigrationFormatException shrank(InternalError e);

    /** The TRUNCATED error for a file now shorter than what was mapped of it, or null. */
    MigrationFormatException shrunk() throws IOException;

    void close() throws IOException;
}
