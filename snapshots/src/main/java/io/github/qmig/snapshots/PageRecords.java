package io.github.qmig.snapshots;

import io.github.qmig.codec.io.PositionalInput;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamFlags;
import io.github.qmig.ramblock.RamPage;

/**
 * Page record events for a stream being written anew: each one names its block unless the record
 * before it was of the same block (CONTINUE, migration/ram.c {@code save_page_header}), whatever
 * the flags of the record it was taken from. One reused view, as a reader's.
 */
public final class PageRecords {

    private static final byte[] ZERO_FILL = {0};

    private final RamPage page = new RamPage();
    private String lastBlock;

    /**
     * Where a PAGE record's payload lies in its file: after its be64 header and, unless CONTINUE,
     * the block name (u8 length + bytes); a mapped-ram page at its slot, the event's offset.
     */
    public static long payloadAt(RamPage p) {
        if (p.kind() == RamPage.Kind.MAPPED) {
            return p.offset();
        }
        return p.offset() + 8 + (p.isContinue() ? 0 : 1 + p.block().idstr().length());
    }

    private int flags(int kind, RamBlock block) {
        boolean same = block.idstr().equals(lastBlock);
        lastBlock = block.idstr();
        return kind | (same ? RamFlags.CONTINUE : 0);
    }

    public RamPage zero(long offset, RamBlock block, long pageOffset) {
        return page.set(offset, RamPage.Kind.ZERO, flags(RamFlags.ZERO, block), block, pageOffset, ZERO_FILL, 0, 1);
    }

    public RamPage page(long offset, RamBlock block, long pageOffset, byte[] data, int off, int len) {
        return page.set(offset, RamPage.Kind.PAGE, flags(RamFlags.PAGE, block), block, pageOffset, data, off, len);
    }

    /** A page whose content lies at {@code at} in a file, copied only when a consumer asks. */
    public RamPage deferred(long offset, RamBlock block, long pageOffset, PositionalInput file, long at, int len) {
        return page.setDeferred(offset, RamPage.Kind.PAGE, flags(RamFlags.PAGE, block), block, pageOffset, file, at, len);
    }

    public RamPage xbzrle(long offset, RamBlock block, long pageOffset, byte[] delta, int off, int len) {
        return page.set(offset, RamPage.Kind.XBZRLE, flags(RamFlags.XBZRLE, block), block, pageOffset, delta, off, len);
    }
}
