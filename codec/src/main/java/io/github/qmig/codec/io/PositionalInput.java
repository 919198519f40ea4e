package io.github.qmig.codec.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The input file, read at absolute offsets without moving any read position: how a page event
 * whose payload was skipped ({@link ByteSource#deferredTake}) fetches its bytes on demand, and how
 * a mapped-ram file's pages are read in place. Only seekable inputs have one.
 */
public interface PositionalInput {

    /** The input's name, for messages. */
    String name();

    /** The file's size now. */
    long size() throws IOException;

    /** Copies {@code len} bytes at {@code at} into {@code dst[off..]} (from a mapped window when it holds them). */
    void copyAt(long at, byte[] dst, int off, int len) throws IOException;

    /**
     * As {@link #copyAt(long, byte[], int, int)}, for a reader that moves forward through the file
     * (a view over it whose offsets are translated, such as a snapshot's VM state in a disk image):
     * a file read through mapped windows serves it from its sequential window, mapped ahead.
     */
    default void copyForward(long at, byte[] dst, int off, int len) throws IOException {
        copyAt(at, dst, off, len);
    }

    /** Copies {@code len} bytes at {@code at} into {@code dst} at {@code index}, its position unchanged. */
    void copyAt(long at, ByteBuffer dst, int index, int len) throws IOException;

    /**
     * Fills {@code dst} from absolute offset {@code at}.
     *
     * @throws io.github.qmig.codec.MigrationFormatException TRUNCATED if the file ends first
     */
    void readAt(long at, ByteBuffer dst) throws IOException;
}
