package io.github.qmig.ramblock;

/**
 * XBZRLE delta decoding (migration/xbzrle.c {@code xbzrle_decode_buffer}; lengths are
 * {@code uleb128_decode_small} from util/cutils.c).
 *
 * <pre>
 * delta := { zrun nzrun }+
 * zrun   := uleb128 count of bytes unchanged (only the first may be 0)
 * nzrun  := uleb128 count n >= 1, then n bytes: the new values (literal, not XOR)
 * uleb128 here is 1 or 2 bytes: b0 &lt; 0x80, or (b0 &amp; 0x7f) | b1 &lt;&lt; 7 with b1 &lt; 0x80
 * </pre>
 *
 * The delta is applied in place to the page's previous content; bytes after the last run keep
 * their value. The checks are QEMU's, so a delta QEMU's loader rejects is rejected here too.
 */
public final class Xbzrle {

    private Xbzrle() {
    }

    /**
     * Applies {@code delta} to {@code page} in place.
     *
     * @return the offset in the page just past the last byte written, or -1 if the delta is invalid
     */
    public static int decode(byte[] delta, int off, int len, byte[] page, int pageOff, int pageLen) {
        int i = 0;
        int d = 0;
        while (i < len) {
            if (len - i < 2) {
                return -1;
            }
            int zrun = uleb(delta, off + i);
            if (zrun < 0 || (i != 0 && (zrun & 0xffff) == 0)) {
                return -1;
            }
            i += zrun >>> 16;
            d += zrun & 0xffff;
            if (d > pageLen || len - i < 2) {
                return -1;
            }
            int nzrun = uleb(delta, off + i);
            if (nzrun < 0 || (nzrun & 0xffff) == 0) {
                return -1;
            }
            i += nzrun >>> 16;
            int count = nzrun & 0xffff;
            if (d + count > pageLen || i + count > len) {
                return -1;
            }
            System.arraycopy(delta, off + i, page, pageOff + d, count);
            d += count;
            i += count;
        }
        return d;
    }

    /** Decodes a 1- or 2-byte uleb128 at {@code p}: (bytes used &lt;&lt; 16) | value, or -1. */
    private static int uleb(byte[] b, int p) {
        int b0 = b[p] & 0xff;
        if (b0 < 0x80) {
            return 1 << 16 | b0;
        }
        int b1 = b[p + 1] & 0xff;
        if (b1 >= 0x80) {
            return -1;
        }
        return 2 << 16 | (b0 & 0x7f) | b1 << 7;
    }
}
