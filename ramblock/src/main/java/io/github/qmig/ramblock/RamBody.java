package io.github.qmig.ramblock;

import io.github.qmig.codec.BodyContext;
import io.github.qmig.codec.Command;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.SectionBody;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.codec.io.ByteView;
import io.github.qmig.codec.io.PositionalInput;
import io.github.qmig.ramblock.mapped.MappedRamBitmap;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.ramblock.mapped.MappedRamBlockEnd;
import io.github.qmig.ramblock.mapped.MappedRamHeader;

import java.io.IOException;

/**
 * Reads one RAM section payload, record by record, up to its EOS (migration/ram.c
 * {@code ram_load_precopy}, {@code parse_ramblocks}, {@code parse_ramblock},
 * {@code parse_ramblock_mapped_ram}).
 *
 * <p>A mapped-ram block is read forward, so a pipe works: header, bitmap, then the set pages in
 * slot order, skipping (seeking over, in a file) the slots of clear bits, then the region's end.
 */
final class RamBody implements SectionBody {

    private static final int KIND_FLAGS = RamFlags.ZERO | RamFlags.PAGE | RamFlags.XBZRLE | RamFlags.COMPRESS_PAGE;

    private final RamSectionCodec codec;
    private final BodyContext ctx;
    private final ByteSource in;
    /** The input file for deferred payloads, or null for a pipe. */
    private final PositionalInput file;
    private final ByteView view = new ByteView();
    private final int pageSize;
    private final long pageMask;
    private final boolean mappedRam;
    private final boolean ignoreShared;
    private final long advisePageSizes;
    private final RamPage page = new RamPage();

    private boolean done;
    /** Bytes of block list still to come (MEM_SIZE total minus the entries read). */
    private long listRemaining;
    private RamBlock pendingMapped;
    private MappedRamBlock region;
    private long nextSlot;

    RamBody(RamSectionCodec codec, SectionHeader header, BodyContext ctx) {
        this.codec = codec;
        this.ctx = ctx;
        this.in = ctx.source();
        this.file = in.positional();
        this.pageSize = ctx.pageSize();
        this.pageMask = pageSize - 1L;
        Configuration c = ctx.configuration();
        this.mappedRam = c != null && c.hasCapability("mapped-ram");
        this.ignoreShared = c != null && c.hasCapability("x-ignore-shared");
        Command advise = ctx.postcopyAdvise();
        this.advisePageSizes = advise != null && advise.data().remaining() == 16
                ? advise.data().getLong(advise.data().position()) : 0;
    }

    @Override
    public MigrationEvent next() throws IOException {
        if (region != null) {
            return nextMappedPage();
        }
        if (pendingMapped != null) {
            return readMappedHeader();
        }
        if (listRemaining > 0) {
            return readBlockEntry();
        }
        if (done) {
            return null;
        }
        return readRecord();
    }

    private MigrationEvent readRecord() throws IOException {
        long at = in.position();
        long header = in.readLong();
        int flags = (int) (header & pageMask);
        long addr = header & ~pageMask;
        if ((flags & KIND_FLAGS) != 0) {
            return readPage(at, header, flags, addr);
        }
        switch (flags & ~RamFlags.CONTINUE) {
            case RamFlags.MEM_SIZE:
                return startBlockList(at, addr);
            case RamFlags.EOS:
                done = true;
                return new RamMarker(at, flags, header);
            case RamFlags.MULTIFD_FLUSH:
            case RamFlags.HOOK:
                return new RamMarker(at, flags, header);
            default:
                throw in.fail(Code.RAM_FLAGS_INVALID, at, "unknown combination of RAM flags 0x%x", flags);
        }
    }

    private RamMemSize startBlockList(long at, long total) throws IOException {
        if (total <= 0) {
            throw in.fail(Code.CORRUPT, at, "RAM block list with total size %d", total);
        }
        listRemaining = total;
        codec.blocks.clear();
        codec.lastBlock = null;
        return new RamMemSize(at, total);
    }

    private RamBlockEntry readBlockEntry() throws IOException {
        long at = in.position();
        String idstr = in.readCountedString();
        if (idstr.isEmpty()) {
            throw in.fail(Code.RAM_BLOCK_NAME_INVALID, at, "RAM block with an empty name");
        }
        long used = in.readLong();
        if (used < 0 || used > listRemaining) {
            throw in.fail(Code.RAM_SIZE_MISMATCH, at + 1 + idstr.length(),
                    "block '%s' used_length 0x%x exceeds the 0x%x bytes left of the MEM_SIZE total",
                    idstr, used, listRemaining);
        }
        if (used % pageSize != 0) {
            throw in.fail(Code.RAM_SIZE_MISMATCH, at + 1 + idstr.length(),
                    "block '%s' used_length 0x%x is not a multiple of the page size %d", idstr, used, pageSize);
        }
        if (codec.blocks.size() >= ctx.limits().maxRamBlocks()) {
            throw in.fail(Code.LIMIT_EXCEEDED, at, "more than %d RAM blocks", ctx.limits().maxRamBlocks());
        }
        long blockPageSize = readPostcopyPageSize();
        long mrAddr = ignoreShared ? in.readLong() : -1;
        RamBlock block = new RamBlock(idstr, used, blockPageSize, mrAddr);
        if (codec.blocks.putIfAbsent(idstr, block) != null) {
            throw in.fail(Code.RAM_BLOCK_NAME_INVALID, at, "RAM block '%s' listed twice", idstr);
        }
        listRemaining -= used;
        if (mappedRam) {
            pendingMapped = block;
        }
        return new RamBlockEntry(at, block, pageSize);
    }

    /**
     * The optional per-block page size: present only with postcopy-ram when the block's page size
     * differs from the host's (huge pages). The writer decides with its own host page size, which
     * a reader cannot know; it can only be present when a 16-byte POSTCOPY_ADVISE announced
     * several page sizes, and it is a power of two above the target page size that the ADVISE
     * summary contains, which neither a following idstr length byte nor a RAM record header is.
     */
    private long readPostcopyPageSize() throws IOException {
        if (advisePageSizes == 0 || Long.bitCount(advisePageSizes) < 2 || !in.ensure(8)) {
            return -1;
        }
        long v = in.peekLong(0);
        if (v > pageSize && Long.bitCount(v) == 1 && (advisePageSizes & v) != 0) {
            in.skip(8);
            return v;
        }
        return -1;
    }

    private MappedRamBlock readMappedHeader() throws IOException {
        RamBlock block = pendingMapped;
        pendingMapped = null;
        long at = in.position();
        in.take(MappedRamHeader.SIZE, view);
        MappedRamHeader h = MappedRamHeader.decode(view.array(), view.offset());
        // QEMU refuses only a newer version, and reads the pages in its own page size whatever the
        // header's page_size says (migration/ram.c mapped_ram_read_header): validate warns of it
        if (Integer.compareUnsigned(h.version(), MappedRamHeader.VERSION) > 0) {
            throw in.fail(Code.MAPPED_RAM_VERSION, at, "mapped-ram header version %d (QEMU reads up to 1)",
                    Integer.toUnsignedLong(h.version()));
        }
        long bitmapBytes = MappedRamHeader.bitmapBytes(block.usedLength(), pageSize);
        if (h.bitmapOffset() < in.position()) {
            throw in.fail(Code.MAPPED_RAM_OFFSET_INVALID, at + 12, "bitmap offset 0x%x points before its header's end 0x%x",
                    h.bitmapOffset(), in.position());
        }
        if (h.bitmapOffset() > Long.MAX_VALUE - bitmapBytes || h.pagesOffset() > Long.MAX_VALUE - block.usedLength()) {
            throw in.fail(Code.MAPPED_RAM_OFFSET_INVALID, at + 12, "mapped-ram offsets 0x%x/0x%x of block '%s' are beyond any file",
                    h.bitmapOffset(), h.pagesOffset(), block.idstr());
        }
        if (h.pagesOffset() < h.bitmapOffset() + bitmapBytes || h.pagesOffset() % pageSize != 0) {
            throw in.fail(Code.MAPPED_RAM_OFFSET_INVALID, at + 20, "pages offset 0x%x overlaps the bitmap or is not page aligned",
                    h.pagesOffset());
        }
        if (bitmapBytes > ctx.limits().maxBitmapBytes()) {
            throw in.fail(Code.LIMIT_EXCEEDED, at, "mapped-ram bitmap of %d bytes (limit %d)", bitmapBytes,
                    ctx.limits().maxBitmapBytes());
        }
        long size = in.size();
        if (size >= 0 && h.bitmapOffset() + bitmapBytes > size) {
            throw in.fail(Code.TRUNCATED, size, "bitmap of block '%s' ends past the end of the file", block.idstr());
        }
        in.skip(h.bitmapOffset() - in.position());
        MappedRamBitmap bitmap = new MappedRamBitmap(in.readBytes((int) bitmapBytes));
        region = new MappedRamBlock(at, block, h, bitmap, pageSize, file);
        nextSlot = codec.mappedPages ? 0 : Long.MAX_VALUE;
        return region;
    }

    private MigrationEvent nextMappedPage() throws IOException {
        MappedRamBlock r = region;
        long pages = r.pageCount();
        long i = Math.min(nextSlot, pages);
        while (i < pages && !r.isSet(i)) {
            i++;
        }
        long pagesOffset = r.header().pagesOffset();
        if (i >= pages) {
            region = null;
            long end = pagesOffset + r.block().usedLength();
            in.seek(end);
            return new MappedRamBlockEnd(end);
        }
        nextSlot = i + 1;
        long slot = pagesOffset + i * pageSize;
        in.seek(slot);
        long deferred = in.deferredTake(pageSize); // a file: copied only if a consumer asks
        if (deferred >= 0) {
            return page.setDeferred(slot, RamPage.Kind.MAPPED, 0, r.block(), i * pageSize, file, deferred, pageSize)
                    .mappedAt(pagesOffset);
        }
        in.take(pageSize, view);
        return page.set(slot, RamPage.Kind.MAPPED, 0, r.block(), i * pageSize, view.array(), view.offset(), pageSize)
                .mappedAt(pagesOffset);
    }

    private RamPage readPage(long at, long header, int flags, long addr) throws IOException {
        int kindFlag = flags & ~RamFlags.CONTINUE;
        if (mappedRam) {
            throw in.fail(Code.RAM_FLAGS_INVALID, at, "page record (flags 0x%x) in a mapped-ram stream", flags);
        }
        RamBlock block;
        if ((flags & RamFlags.CONTINUE) != 0) {
            block = codec.lastBlock;
            if (block == null) {
                throw in.fail(Code.RAM_BLOCK_UNKNOWN, at, "CONTINUE page record with no previous block");
            }
        } else {
            long nameAt = in.position();
            String idstr = in.readCountedString();
            block = codec.blocks.get(idstr);
            if (block == null) {
                throw in.fail(Code.RAM_BLOCK_UNKNOWN, nameAt, "page record for unknown RAM block '%s'", idstr);
            }
            codec.lastBlock = block;
        }
        if (addr < 0 || addr > block.usedLength() - pageSize) { // addr is unsigned on the wire
            throw in.fail(Code.RAM_PAGE_OUTSIDE_BLOCK, at, "page offset 0x%x outside block '%s' (used_length 0x%x)", addr,
                    block.idstr(), block.usedLength());
        }
        switch (kindFlag) {
            case RamFlags.ZERO: {
                in.take(1, view);
                return page.set(at, RamPage.Kind.ZERO, flags, block, addr, view.array(), view.offset(), 1);
            }
            case RamFlags.PAGE: {
                long deferred = in.deferredTake(pageSize); // a file: copied only if a consumer asks
                if (deferred >= 0) {
                    return page.setDeferred(at, RamPage.Kind.PAGE, flags, block, addr, file, deferred, pageSize);
                }
                in.take(pageSize, view);
                return page.set(at, RamPage.Kind.PAGE, flags, block, addr, view.array(), view.offset(), pageSize);
            }
            case RamFlags.XBZRLE: {
                long encAt = in.position();
                int enc = in.readU8();
                if (enc != RamFlags.XBZRLE_ENCODING) {
                    throw in.fail(Code.RAM_XBZRLE_INVALID, encAt, "XBZRLE encoding byte 0x%02x (expected 0x01)", enc);
                }
                int len = in.readU16();
                if (len > pageSize) {
                    throw in.fail(Code.RAM_XBZRLE_INVALID, encAt + 1, "XBZRLE delta of %d bytes exceeds the page size %d",
                            len, pageSize);
                }
                in.take(len, view);
                return page.set(at, RamPage.Kind.XBZRLE, flags, block, addr, view.array(), view.offset(), len);
            }
            case RamFlags.COMPRESS_PAGE: {
                long lenAt = in.position();
                long len = Integer.toUnsignedLong(in.readInt());
                if (len > ctx.limits().maxCompressedPage() || len > pageSize + pageSize / 2 + 64) {
                    throw in.fail(Code.RAM_ZLIB_INVALID, lenAt, "compressed page of %d bytes (page size %d)", len, pageSize);
                }
                in.take((int) len, view);
                return page.set(at, RamPage.Kind.COMPRESSED, flags, block, addr, view.array(), view.offset(), (int) len);
            }
            default:
                throw in.fail(Code.RAM_FLAGS_INVALID, at, "unknown combination of RAM flags 0x%x", flags);
        }
    }
}
