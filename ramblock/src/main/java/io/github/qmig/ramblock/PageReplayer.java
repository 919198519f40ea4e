package io.github.qmig.ramblock;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;

import java.io.IOException;

/**
 * Replays page records in stream order into a {@link SparsePageStore}, so the store ends with each
 * page's final content as QEMU's loader would have it ({@code ram_load_precopy}): PAGE and MAPPED
 * store the page, ZERO clears it (or fills it, for the non-zero fill bytes of old QEMUs), XBZRLE
 * applies its delta to the page's current content, COMPRESS_PAGE inflates. A record that does not
 * decode is an error at the record's offset (the reader that feeds the pages names the input and
 * section).
 */
public final class PageReplayer implements AutoCloseable {

    private final SparsePageStore store;
    private final int pageSize;
    private final byte[] scratch;
    private ZlibPages zlib;

    public PageReplayer(SparsePageStore store) {
        this.store = store;
        this.pageSize = store.pageSize();
        this.scratch = new byte[pageSize];
    }

    public SparsePageStore store() {
        return store;
    }

    public void apply(RamPage p) throws IOException {
        RamBlock b = p.block();
        switch (p.kind()) {
            case PAGE, MAPPED -> store.put(b, p.pageOffset(), p);
            case ZERO -> {
                if (p.fillByte() == 0) {
                    store.zero(b, p.pageOffset());
                } else {
                    java.util.Arrays.fill(scratch, (byte) p.fillByte());
                    store.put(b, p.pageOffset(), scratch, 0);
                }
            }
            case XBZRLE -> {
                store.read(b, p.pageOffset() / pageSize, scratch, 0);
                if (Xbzrle.decode(p.array(), p.arrayOffset(), p.length(), scratch, 0, pageSize) < 0) {
                    throw MigrationFormatException.of(Code.RAM_XBZRLE_INVALID, p.offset(), "XBZRLE delta for %s+0x%x does not decode",
                            b.idstr(), p.pageOffset());
                }
                store.put(b, p.pageOffset(), scratch, 0);
            }
            case COMPRESSED -> {
                if (zlib == null) {
                    zlib = new ZlibPages();
                }
                if (!zlib.inflate(p.array(), p.arrayOffset(), p.length(), scratch, 0, pageSize)) {
                    throw MigrationFormatException.of(Code.RAM_ZLIB_INVALID, p.offset(),
                            "zlib page for %s+0x%x does not inflate to %d bytes",
                            b.idstr(), p.pageOffset(), pageSize);
                }
                store.put(b, p.pageOffset(), scratch, 0);
            }
            default -> throw new IllegalStateException(p.kind().toString());
        }
    }

    @Override
    public void close() {
        if (zlib != null) {
            zlib.close();
        }
    }
}
