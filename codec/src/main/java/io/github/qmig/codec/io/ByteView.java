package io.github.qmig.codec.io;

/**
 * A view of bytes its owner lends: array, offset and length, valid until the owner moves on (for
 * {@link ByteSource#take}, its next read). Reused, so that taking a page allocates nothing; the
 * bytes are read-only by contract.
 */
public final class ByteView {

    private byte[] array;
    private int offset;
    private int length;

    void set(byte[] a, int off, int len) {
        this.array = a;
        this.offset = off;
        this.length = len;
    }

    public byte[] array() {
        return array;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The byte at {@code i} of the view, unsigned. */
    public int get(int i) {
        return array[offset + i] & 0xff;
    }
}
