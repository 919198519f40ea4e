package io.github.qmig.ramblock.mapped;

import io.github.qmig.codec.BodyEvent;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.codec.io.PositionalInput;
import io.github.qmig.ramblock.RamBlock;

import java.io.IOException;
import java.util.Objects;

/**
 * A block's mapped-ram header and page bitmap, as read from the stream; its pages follow as
 * {@link io.github.qmig.ramblock.RamPage.Kind#MAPPED} pages, then a {@link MappedRamBlockEnd}.
 *
 * @param offset the header's absolute offset
 * @param bitmap   the bitmap exactly as in the file (owned by this event)
 * @param pageSize the stream's page size, in which QEMU reads the slots (the header's own
 *                 {@code page_size} field is not used by QEMU's loader)
 * @param file   the input file, to read the block's pages in place (at
 *               {@code header.pagesOffset() + index * pageSize}), or null when the input is a pipe
 */
public record MappedRamBlock(long offset, RamBlock block, MappedRamHeader header, MappedRamBitmap bitmap,
                             int pageSize, PositionalInput file) implements BodyEvent {

    public MappedRamBlock {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(bitmap, "bitmap");
    }

    /** Whether page {@code i} is stored. */
    public boolean isSet(long i) {
        return bitmap.isSet(i);
    }

    public long pageCount() {
        return block.usedLength() / pageSize;
    }

    /** Number of set bits. */
    public long setPages() {
        return bitmap.setCount();
    }

    @Override
    public void writeTo(ByteSink out) throws IOException {
        out.write(header.encode(), 0, MappedRamHeader.SIZE);
        out.skipTo(header.bitmapOffset());
        out.write(bitmap.bytes(), 0, bitmap.length());
    }
}
