package io.github.qmig.ramblock.mapped;

import java.nio.ByteBuffer;

/**
 * The 28-byte big-endian header that follows each block list entry in a mapped-ram stream
 * (migration/ram.c {@code struct MappedRamHeader}, {@code mapped_ram_setup_ramblock}; read by
 * {@code mapped_ram_read_header}).
 *
 * <pre>
 * | version be32 (1) | page_size be64 | bitmap_offset be64 | pages_offset be64 |
 * </pre>
 *
 * Offsets are absolute file offsets (they come from the channel's seek position), the bitmap
 * follows the header, and pages start at the next 1 MiB boundary after the bitmap.
 */
public record MappedRamHeader(int version, long pageSize, long bitmapOffset, long pagesOffset) {

    public static final int SIZE = 28;
    public static final int VERSION = 1;
    /** {@code MAPPED_RAM_FILE_OFFSET_ALIGNMENT}. */
    public static final long ALIGNMENT = 1 << 20;

    /** The header QEMU writes for a block whose entry ends at {@code headerOffset}. */
    public static MappedRamHeader layout(long headerOffset, long usedLength, int pageSize) {
        long bitmapOffset = headerOffset + SIZE;
        long pagesOffset = alignUp(bitmapOffset + bitmapBytes(usedLength, pageSize), ALIGNMENT);
        return new MappedRamHeader(VERSION, pageSize, bitmapOffset, pagesOffset);
    }

    /** Bitmap bytes for a block: one bit per page, in whole 64-bit words ({@code BITS_TO_LONGS}). */
    public static long bitmapBytes(long usedLength, long pageSize) {
        long pages = usedLength / pageSize;
        return (pages + 63) / 64 * 8;
    }

    public static long alignUp(long v, long align) {
        return (v + align - 1) / align * align;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).putInt(version).putLong(pageSize).putLong(bitmapOffset)
                .putLong(pagesOffset).array();
    }

    public static MappedRamHeader decode(byte[] b, int off) {
        ByteBuffer bb = ByteBuffer.wrap(b, off, SIZE);
        return new MappedRamHeader(bb.getInt(), bb.getLong(), bb.getLong(), bb.getLong());
    }
}
