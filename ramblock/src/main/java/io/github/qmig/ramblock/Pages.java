package io.github.qmig.ramblock;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Page helpers shared by every consumer. */
public final class Pages {

    /** Zeros to compare and write with; never modified. */
    private static final byte[] ZEROS = new byte[1 << 16];

    private Pages() {
    }

    /** Whether {@code len} bytes at {@code off} are all zero (vectorised by the JIT). */
    public static boolean isZero(byte[] a, int off, int len) {
        int i = 0;
        while (i < len) {
            int n = Math.min(len - i, ZEROS.length);
            if (Arrays.mismatch(a, off + i, off + i + n, ZEROS, 0, n) != -1) {
                return false;
            }
            i += n;
        }
        return true;
    }

    /** Whether {@code len} bytes of {@code b} at {@code index} are all zero (8 bytes at a time). */
    public static boolean isZero(ByteBuffer b, int index, int len) {
        int i = index;
        int end = index + len;
        for (; i + 8 <= end; i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** A read-only-by-contract array of at least {@code len} zeros. */
    public static byte[] zeros(int len) {
        return len <= ZEROS.length ? ZEROS : new byte[len];
    }
}
