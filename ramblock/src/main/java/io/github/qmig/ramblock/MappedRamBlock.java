package io.github.qmig.ramblock;

import io.github.qmig.codec.BodyEvent;
import io.github.qmig.codec.ByteSink;

import java.io.IOException;
import java.util.Objects;

/**
 * A block's mapped-ram header and page bitmap, as read from the stream; its pages follow as
 * {@link RamPage.Kind#MAPPED} pages, then a {@link MappedRamBlockEnd}.
 *
 * <p>The bitmap is the writer's in-memory {@code unsigned long} array ({@code ram_save_file_bmap}):
 * on the 64-bit little-endian hosts QEMU runs on in practice, bit i is bit (i mod 8) of byte i/8.
 *
 * @param offset the header's absolute offset
 * @param bitmap the bitmap bytes exactly as in the file (owned by this event)
 */
public record MappedRamBlock(long offset, RamBlock block, MappedRamHeader header, byte[] bitmap) implements BodyEvent {

    public MappedRamBlock {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(bitmap, "bitmap");
    }

    /** Whether page {@code i} is stored (little-endian 64-bit word bitmap). */
    public boolean isSet(long i) {
        return (bitmap[(int) (i >>> 3)] & (1 << (i & 7))) != 0;
    }

    public long pageCount() {
        return block.usedLength() / header.pageSize();
    }

    /** Number of set bits. */
    public long setPages() {
        long n = 0;
        for (byte b : bitmap) {
            n += Integer.bitCount(b & 0xff);
        }
        return n;
    }

    @Override
    public void writeTo(ByteSink out) throws IOException {
        out.write(header.encode(), 0, MappedRamHeader.SIZE);
        out.skipTo(header.bitmapOffset());
        out.write(bitmap, 0, bitmap.length);
    }
}
