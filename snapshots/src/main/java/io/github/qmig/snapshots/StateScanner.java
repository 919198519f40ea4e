package io.github.qmig.snapshots;

import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.io.PositionalInput;
import io.github.qmig.input.StreamDigest;
import io.github.qmig.ramblock.Pages;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.Xbzrle;
import io.github.qmig.ramblock.ZlibPages;

import java.io.IOException;
import java.util.Arrays;

/**
 * Fills a {@link SavedState} from a save's events, record by record as QEMU's loader replays them
 * ({@code ram_load_precopy}: the last record of a page wins; XBZRLE applies to the page's current
 * content, zlib inflates): each page's entry is replaced by where its new content is, or by
 * "equal to the reference" when it is. Everything that is not a page goes to the state's
 * {@link Skeleton}.
 *
 * <p>The fast path reads no page at all: without a reference or fingerprints, a PAGE record of a
 * file is recorded by its offset (a deferred payload stays unread). Otherwise each page is looked
 * at once, in the reader's buffer or the input's mapped window.
 */
final class StateScanner implements EventConsumer {

    private final SavedState state;
    private final Skeleton skeleton;
    private final StateView reference;
    private final PageTable entries;
    private final PageTable fingerprints;
    /** The input file, to record where pages are; null for a pipe. */
    private final PositionalInput file;
    private byte[] scratch;
    private byte[] refPage;
    private ZlibPages zlib;
    private final StreamDigest.Fingerprinter fingerprinter = new StreamDigest.Fingerprinter();
    private int pageSize;
    private int pageShift;
    /** The block of the last page, its slot, and the reference's block of that name (or null). */
    private RamBlock lastBlock;
    private SavedState.Slot lastSlot;
    private RamBlock lastRefBlock;

    StateScanner(SavedState state, PositionalInput file) {
        this.state = state;
        this.skeleton = state.skeletonSink();
        this.reference = state.options().reference();
        this.entries = state.entries();
        this.fingerprints = state.fingerprintTable();
        this.file = file;
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        if (e instanceof RamPage p) {
            page(p);
            return;
        }
        if (e instanceof RamBlockEntry b) {
            try {
                state.declare(b.block(), b.pageSize());
            } catch (MigrationFormatException f) {
                throw MigrationFormatException.of(f.code(), b.offset(), f.detail());
            }
            if (pageSize == 0) {
                pageSize = b.pageSize();
                pageShift = Integer.numberOfTrailingZeros(pageSize);
                scratch = new byte[pageSize];
                refPage = new byte[pageSize];
            }
        }
        skeleton.accept(e);
    }

    @Override
    public void end() throws IOException {
        skeleton.end();
        if (zlib != null) {
            zlib.close();
        }
    }

    private void page(RamPage p) throws IOException {
        RamBlock b = p.block();
        if (b != lastBlock) {
            lastBlock = b;
            lastSlot = state.slot(b.idstr());
            lastRefBlock = reference == null || reference.pageSize() != pageSize ? null : reference.block(b.idstr());
        }
        SavedState.Slot s = lastSlot;
        long index = p.pageOffset() >>> pageShift;
        long at = s.base() + index;
        switch (p.kind()) {
            case PAGE, MAPPED -> {
                if (reference == null && fingerprints == null && file != null) {
                    entries.set(at, SavedState.inFile(PageRecords.payloadAt(p))); // the fast path: nothing read
                } else {
                    settle(s, index, p.array(), p.arrayOffset(), file != null ? PageRecords.payloadAt(p) : -1);
                }
            }
            case ZERO -> {
                if (p.fillByte() == 0) {
                    settle(s, index, Pages.zeros(pageSize), 0, -1);
                } else {
                    Arrays.fill(scratch, (byte) p.fillByte()); // QEMU before 2.x filled with the byte
                    settle(s, index, scratch, 0, -1);
                }
            }
            case XBZRLE -> {
                state.content(entries.get(at), b.idstr(), index, scratch, 0);
                if (Xbzrle.decode(p.array(), p.arrayOffset(), p.length(), scratch, 0, pageSize) < 0) {
                    throw MigrationFormatException.of(Code.RAM_XBZRLE_INVALID, p.offset(), "XBZRLE delta for %s+0x%x does not decode",
                            b.idstr(), p.pageOffset());
                }
                settle(s, index, scratch, 0, -1);
            }
            case COMPRESSED -> {
                if (zlib == null) {
                    zlib = new ZlibPages();
                }
                if (!zlib.inflate(p.array(), p.arrayOffset(), p.length(), scratch, 0, pageSize)) {
                    throw MigrationFormatException.of(Code.RAM_ZLIB_INVALID, p.offset(),
                            "zlib page for %s+0x%x does not inflate to %d bytes", b.idstr(), p.pageOffset(), pageSize);
                }
                settle(s, index, scratch, 0, -1);
            }
            default -> throw new IllegalStateException(p.kind().toString());
        }
    }

    /**
     * Records a page's new content: equal to the reference's, zero, in the file at
     * {@code filePosition} (or -1), or else spilled.
     */
    private void settle(SavedState.Slot s, long index, byte[] page, int off, long filePosition) throws IOException {
        long at = s.base() + index;
        if (fingerprints != null) {
            fingerprints.set(at, fingerprinter.of(page, off, pageSize));
        }
        boolean zero = Pages.isZero(page, off, pageSize);
        if (reference != null && sameAsReference(s.block().idstr(), index, page, off, zero)) {
            entries.set(at, SavedState.SAME);
        } else if (zero) {
            entries.set(at, SavedState.ZERO);
        } else if (filePosition >= 0) {
            entries.set(at, SavedState.inFile(filePosition));
        } else {
            entries.set(at, SavedState.inSpill(state.spill().append(page, off)));
        }
    }

    private boolean sameAsReference(String block, long index, byte[] page, int off, boolean zero) throws IOException {
        RamBlock rb = lastRefBlock;
        if (rb == null || index >= rb.usedLength() >>> pageShift) {
            return false;
        }
        if (!reference.readUnlessZero(block, index, refPage, 0)) {
            return zero;
        }
        return Arrays.equals(page, off, off + pageSize, refPage, 0, pageSize);
    }
}
