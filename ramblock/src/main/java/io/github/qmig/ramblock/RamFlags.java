package io.github.qmig.ramblock;

/**
 * RAM record flags, the low bits of each record's be64 header below the target page size
 * (migration/ram.h {@code RAM_SAVE_FLAG_*}).
 */
public final class RamFlags {
    public static final int ZERO = 0x002;
    public static final int MEM_SIZE = 0x004;
    public static final int PAGE = 0x008;
    public static final int EOS = 0x010;
    public static final int CONTINUE = 0x020;
    public static final int XBZRLE = 0x040;
    public static final int HOOK = 0x080;
    /** zlib page, QEMU up to 9.0 ({@code RAM_SAVE_FLAG_COMPRESS_PAGE}). */
    public static final int COMPRESS_PAGE = 0x100;
    public static final int MULTIFD_FLUSH = 0x200;
    /** {@code ENCODING_FLAG_XBZRLE}, the byte before an XBZRLE record's length. */
    public static final int XBZRLE_ENCODING = 0x01;

    private RamFlags() {
    }
}
