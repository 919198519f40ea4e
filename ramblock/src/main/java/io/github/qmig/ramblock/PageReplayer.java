package io.github.qmig.ramblock;

import io.github.qmig.codec.ByteSource;
import io.github.qmig.codec.MigrationFormatException.Reason;

import java.io.IOException;

/**
 * Replays page records in stream order into a {@link SparsePageStore}, so the store ends with each
 * page's final content as QEMU's loader would have it ({@code ram_load_precopy}): PAGE and MAPPED
 * store the page, ZERO clears it (or fills it, for the non-zero fill bytes of old QEMUs), XBZRLE
 * applies its delta to the page's current content, COMPRESS_PAGE inflates.
 */
public final class PageReplayer implements AutoCloseable {

    private final SparsePageStore store;
    private final ByteSource errors;
    private final int pageSize;
    private final byte[] scratch;
    private ZlibPages zlib;

    /**
     * @param errors the source being read, whose context makes the error messages (file, section)
     */
    public PageReplayer(SparsePageStore store, ByteSource errors) {
        this.store = store;
        this.errors = errors;
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
                    throw errors.fail(Reason.CORRUPT, p.offset(), "XBZRLE delta for %s+0x%x does not decode",
                            b.idstr(), p.pageOffset());
                }
                store.put(b, p.pageOffset(), scratch, 0);
            }
            case COMPRESSED -> {
                if (zlib == null) {
                    zlib = new ZlibPages();
                }
                if (!zlib.inflate(p.array(), p.arrayOffset(), p.length(), scratch, 0, pageSize)) {
                    throw errors.fail(Reason.CORRUPT, p.offset(), "zlib page for %s+0x%x does not inflate to %d bytes",
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
