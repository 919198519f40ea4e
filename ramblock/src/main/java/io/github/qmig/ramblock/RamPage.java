package io.github.qmig.ramblock;

import io.github.qmig.codec.BodyEvent;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.codec.io.PositionalInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A page record of the RAM section (migration/ram.c {@code save_page_header} and the
 * {@code save_*_page} functions; read by {@code ram_load_precopy}):
 *
 * <pre>
 * | be64 offset_in_block | flags | [idlen u8, idstr]  unless CONTINUE | payload by kind |
 *   ZERO        u8 fill (0)
 *   PAGE        page_size bytes
 *   XBZRLE      u8 0x01, be16 len, len bytes of encoded delta
 *   COMPRESSED  be32 len, len bytes of zlib stream (QEMU up to 9.0)
 *   MAPPED      no record: the page sits at pages_offset + offset in a mapped-ram file
 * </pre>
 *
 * <p><b>A reused view.</b> The reader hands out the same instance for every page: its fields and
 * {@link #array()} bytes are valid until the reader's next call. {@link #copy()} makes one to keep.
 * Payload bytes are exposed jackson-style as array, offset and length, so nothing is allocated per
 * page.
 *
 * <p>From a file, PAGE and MAPPED payloads are <b>deferred</b> ({@link #setDeferred}): the reader
 * skips them and the first call to {@link #array()} copies them from the file, so a consumer that
 * never looks at page contents (a summary) never copies them.
 */
public final class RamPage implements BodyEvent {

    /** What the record carries. */
    public enum Kind { ZERO, PAGE, XBZRLE, COMPRESSED, MAPPED }

    private long offset;
    private Kind kind;
    private int flags;
    private RamBlock block;
    private long pageOffset;
    private byte[] array;
    private int arrayOffset;
    private int length;
    private long mappedPagesOffset;
    /** For a deferred payload: the file it lies in and where; null once loaded. */
    private PositionalInput deferredFrom;
    private long deferredAt;
    private byte[] scratch;

    /** A page view to be filled with {@link #set}; for readers and converters. */
    public RamPage() {
    }

    /**
     * Points this view at a record.
     *
     * @param flags   the exact wire flags, including CONTINUE (ignored for MAPPED)
     * @param payload for ZERO the fill byte at {@code payload[off]}; for PAGE the page; for XBZRLE the
     *                encoded delta; for COMPRESSED the zlib bytes; for MAPPED the page
     */
    public RamPage set(long offset, Kind kind, int flags, RamBlock block, long pageOffset,
                       byte[] payload, int off, int len) {
        this.offset = offset;
        this.kind = kind;
        this.flags = flags;
        this.block = block;
        this.pageOffset = pageOffset;
        this.array = payload;
        this.arrayOffset = off;
        this.length = len;
        this.deferredFrom = null;
        return this;
    }

    /**
     * Points this view at a record whose payload of {@code len} bytes lies at absolute offset
     * {@code at} of {@code source} (a file, see {@link io.github.qmig.codec.io.ByteSource#deferredTake});
     * it is copied when first asked for.
     */
    public RamPage setDeferred(long offset, Kind kind, int flags, RamBlock block, long pageOffset,
                               PositionalInput source, long at, int len) {
        set(offset, kind, flags, block, pageOffset, null, 0, len);
        this.deferredFrom = source;
        this.deferredAt = at;
        return this;
    }

    /** Copies a deferred payload into this view's own buffer (once per record). */
    private void load() {
        PositionalInput from = deferredFrom;
        if (from == null) {
            return;
        }
        if (scratch == null || scratch.length < length) {
            scratch = new byte[length];
        }
        try {
            from.copyAt(deferredAt, scratch, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        array = scratch;
        arrayOffset = 0;
        deferredFrom = null;
    }

    /**
     * Copies the payload into {@code dst} at {@code index} (its position unchanged). A deferred
     * payload goes straight from the file, without the copy into this view's buffer that
     * {@link #array()} makes.
     */
    public void copyTo(ByteBuffer dst, int index) throws IOException {
        if (deferredFrom != null) {
            deferredFrom.copyAt(deferredAt, dst, index, length);
        } else {
            dst.put(index, array, arrayOffset, length);
        }
    }

    /** For MAPPED pages: the block's pages_offset, where slot 0 lies. */
    public RamPage mappedAt(long pagesOffset) {
        this.mappedPagesOffset = pagesOffset;
        return this;
    }

    @Override
    public long offset() {
        return offset;
    }

    public Kind kind() {
        return kind;
    }

    /** The wire flags (kind flag, and CONTINUE when the block name was omitted). */
    public int flags() {
        return flags;
    }

    public boolean isContinue() {
        return (flags & RamFlags.CONTINUE) != 0;
    }

    public RamBlock block() {
        return block;
    }

    /** Byte offset of the page within its block. */
    public long pageOffset() {
        return pageOffset;
    }

    /** The payload's backing array (shared, read-only by contract). */
    public byte[] array() {
        load();
        return array;
    }

    public int arrayOffset() {
        load();
        return arrayOffset;
    }

    /** Payload length: 1 for ZERO, the page size for PAGE and MAPPED, the encoded length otherwise. */
    public int length() {
        return length;
    }

    /** For ZERO records, the fill byte (0 in every QEMU since 2.x). */
    public int fillByte() {
        return array()[arrayOffset()] & 0xff;
    }

    /** The payload as a buffer (allocates a small wrapper; prefer {@link #array()} on hot paths). */
    public ByteBuffer data() {
        return ByteBuffer.wrap(array(), arrayOffset(), length).slice();
    }

    /** A copy that owns its payload and stays valid. */
    public RamPage copy() {
        byte[] b = new byte[length];
        System.arraycopy(array(), arrayOffset(), b, 0, length);
        return new RamPage().set(offset, kind, flags, block, pageOffset, b, 0, length).mappedAt(mappedPagesOffset);
    }

    @Override
    public void writeTo(ByteSink out) throws IOException {
        load();
        if (kind == Kind.MAPPED) {
            out.skipTo(mappedPagesOffset + pageOffset);
            out.write(array, arrayOffset, length);
            return;
        }
        out.writeLong(pageOffset | flags);
        if (!isContinue()) {
            out.writeCountedString(block.idstr());
        }
        switch (kind) {
            case ZERO, PAGE -> out.write(array, arrayOffset, length);
            case XBZRLE -> {
                out.writeU8(RamFlags.XBZRLE_ENCODING);
                out.writeU16(length);
                out.write(array, arrayOffset, length);
            }
            case COMPRESSED -> {
                out.writeInt(length);
                out.write(array, arrayOffset, length);
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    @Override
    public String toString() {
        return String.format("RamPage[%s %s+0x%x at 0x%x]", kind, block == null ? "?" : block.idstr(), pageOffset, offset);
    }
}
