package io.github.qmig.ramblock.mapped;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A mapped-ram block's page bitmap as it is in the file: the writer's in-memory
 * {@code unsigned long} array ({@code ram_save_file_bmap} in migration/ram.c), one bit per page,
 * whole 64-bit words. On the 64-bit little-endian hosts QEMU runs on in practice, bit i is bit
 * (i mod 8) of byte i/8.
 */
public final class MappedRamBitmap {

    private final byte[] bytes;

    /** @param bytes the bitmap's bytes (kept, not copied) */
    public MappedRamBitmap(byte[] bytes) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    /** The bitmap of a presence bitset: 64-bit little-endian words. */
    public static MappedRamBitmap ofWords(long[] words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            b.putLong(w);
        }
        return new MappedRamBitmap(b.array());
    }

    /** Whether page {@code i} is stored. */
    public boolean isSet(long i) {
        return (bytes[(int) (i >>> 3)] & (1 << (i & 7))) != 0;
    }

    /** Number of set bits. */
    public long setCount() {
        long n = 0;
        for (byte b : bytes) {
            n += Integer.bitCount(b & 0xff);
        }
        return n;
    }

    /** Bits the bitmap holds (its bytes times 8; at least the block's page count). */
    public long bits() {
        return (long) bytes.length * 8;
    }

    public int length() {
        return bytes.length;
    }

    /** The bytes as in the file (not a copy: read-only by contract). */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MappedRamBitmap b && java.util.Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "MappedRamBitmap[" + setCount() + " of " + bits() + " bits set]";
    }
}
