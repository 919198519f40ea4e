package io.github.qmig.snapshots.increment;

import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.snapshots.PageTable;
import io.github.qmig.snapshots.SavedState;
import io.github.qmig.snapshots.StateDigest;
import io.github.qmig.snapshots.StateView;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state digest of each level of a stack (the base is level 0, increment i gives level i)
 * without building any level: one table of page fingerprints over every block any level has,
 * filled from the base, then overwritten by each increment's pages in turn; each level's digest
 * is taken over its own block list. An increment that does not give what its header says shows
 * here as a digest that differs.
 */
public final class LevelDigests {

    private LevelDigests() {
    }

    /** The digests of levels 0 .. n: the base's, then after each increment. */
    public static List<String> of(StateView base, List<SavedState> increments, Path tempDir) throws IOException {
        int ps = base.pageSize();
        List<List<RamBlock>> levels = new ArrayList<>();
        levels.add(base.blocks());
        increments.forEach(d -> levels.add(d.blocks()));
        Map<String, Long> longest = new LinkedHashMap<>();
        for (List<RamBlock> blocks : levels) {
            for (RamBlock b : blocks) {
                longest.merge(b.idstr(), b.usedLength() / ps, Math::max);
            }
        }
        try (PageTable table = new PageTable(tempDir)) {
            Map<String, Long> regions = new LinkedHashMap<>(); // the first entry of each block's pages
            longest.forEach((name, pages) -> regions.put(name, table.extend(pages)));
            for (RamBlock b : base.blocks()) {
                long first = regions.get(b.idstr());
                for (long i = 0; i < b.usedLength() / ps; i++) {
                    table.set(first + i, base.fingerprint(b.idstr(), i));
                }
            }
            List<String> out = new ArrayList<>();
            out.add(StateDigest.of(ps, base.blocks(), (b, i) -> table.get(regions.get(b.idstr()) + i)));
            for (SavedState d : increments) {
                for (RamBlock b : d.blocks()) {
                    long first = regions.get(b.idstr());
                    for (long i = 0; i < b.usedLength() / ps; i++) {
                        if (d.sent(b.idstr(), i)) {
                            table.set(first + i, d.fingerprint(b.idstr(), i));
                        }
                    }
                }
                out.add(StateDigest.of(ps, d.blocks(), (b, i) -> table.get(regions.get(b.idstr()) + i)));
            }
            return out;
        }
    }
}
