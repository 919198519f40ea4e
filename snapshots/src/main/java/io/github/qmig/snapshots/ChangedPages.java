package io.github.qmig.snapshots;

import io.github.qmig.ramblock.RamBlock;

import java.io.IOException;

/**
 * The diff iterator: the pages of a state B that differ from the reference it was read against
 * (its A), block by block in B's block-list order, page by page in order, as runs of consecutive
 * pages. A page differs when its final content differs, when only one of A and B has it (a block
 * that grew), and a page that became zero differs like any other; the pages of A's blocks that B
 * does not have, or beyond the end of B's, are {@link #removed}.
 */
public final class ChangedPages {

    /** Told of each run of changed pages. */
    @FunctionalInterface
    public interface Visitor {
        /** Pages {@code first} .. {@code first + count - 1} of {@code block} (B's block) differ. */
        void run(RamBlock block, long first, long count) throws IOException;
    }

    private ChangedPages() {
    }

    /** Visits the runs of B's pages that differ from its reference, in order. */
    public static void forEach(SavedState b, Visitor v) throws IOException {
        if (b.reference() == null) {
            throw new IllegalArgumentException(b.name() + " was not read against a reference");
        }
        for (RamBlock block : b.blocks()) {
            long pages = block.usedLength() / b.pageSize();
            long runStart = -1;
            for (long i = 0; i < pages; i++) {
                boolean changed = !b.sameAsReference(block.idstr(), i);
                if (changed && runStart < 0) {
                    runStart = i;
                } else if (!changed && runStart >= 0) {
                    v.run(block, runStart, i - runStart);
                    runStart = -1;
                }
            }
            if (runStart >= 0) {
                v.run(block, runStart, pages - runStart);
            }
        }
    }

    /**
     * Pages of the reference's block {@code a} that B lacks: all of them if B has no such block,
     * those beyond the end of B's block otherwise (0 if B's is as long or longer).
     */
    public static long removed(SavedState b, RamBlock a) {
        RamBlock mine = b.block(a.idstr());
        long pagesA = a.usedLength() / b.pageSize();
        return mine == null ? pagesA : Math.max(0, pagesA - mine.usedLength() / b.pageSize());
    }
}
