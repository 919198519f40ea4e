package io.github.qmig.snapshots.increment;

import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.snapshots.SavedState;
import io.github.qmig.snapshots.StateView;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state a base and increments give, read in place: a page is the highest increment's that has
 * it, else the base's. What {@code chain push} compares a new save with, without restoring the
 * chain's top anywhere.
 */
public final class StackView implements StateView {

    private final SavedState base;
    private final List<SavedState> increments;
    private final Map<String, RamBlock> blocks = new LinkedHashMap<>();

    /** @param increments base to top; the view's blocks are the top's */
    public StackView(SavedState base, List<SavedState> increments) {
        this.base = base;
        this.increments = List.copyOf(increments);
        SavedState top = increments.isEmpty() ? base : increments.get(increments.size() - 1);
        top.blocks().forEach(b -> blocks.put(b.idstr(), b));
    }

    @Override
    public int pageSize() {
        return base.pageSize();
    }

    @Override
    public List<RamBlock> blocks() {
        return List.copyOf(blocks.values());
    }

    @Override
    public RamBlock block(String name) {
        return blocks.get(name);
    }

    /** The layer that holds the page, or null when none does (a zero page). */
    private SavedState owner(String block, long index) throws IOException {
        for (int j = increments.size() - 1; j >= 0; j--) {
            SavedState d = increments.get(j);
            RamBlock b = d.block(block);
            if (b != null && index < b.usedLength() >>> Integer.numberOfTrailingZeros(d.pageSize()) && d.sent(block, index)) {
                return d;
            }
        }
        RamBlock b = base.block(block);
        return b != null && index < b.usedLength() / base.pageSize() ? base : null;
    }

    @Override
    public boolean knownZero(String block, long index) throws IOException {
        SavedState s = owner(block, index);
        return s == null || s.knownZero(block, index);
    }

    @Override
    public void read(String block, long index, byte[] dst, int off) throws IOException {
        SavedState s = owner(block, index);
        if (s == null) {
            Arrays.fill(dst, off, off + pageSize(), (byte) 0);
        } else {
            s.read(block, index, dst, off);
        }
    }

    @Override
    public long fingerprint(String block, long index) throws IOException {
        SavedState s = owner(block, index);
        if (s == null) {
            byte[] zero = new byte[pageSize()];
            return io.github.qmig.input.StreamDigest.fingerprint(zero, 0, zero.length);
        }
        return s.fingerprint(block, index);
    }
}
