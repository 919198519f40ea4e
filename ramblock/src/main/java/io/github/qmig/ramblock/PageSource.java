package io.github.qmig.ramblock;

import java.io.IOException;
import java.util.List;

/**
 * Final page contents of a guest's RAM blocks, readable in any order: a {@link SparsePageStore}
 * built by replaying a stream, or a mapped-ram file read in place.
 */
public interface PageSource {

    List<RamBlock> blocks();

    int pageSize();

    /** Whether page {@code index} of the block holds data (else it is zero). */
    boolean present(RamBlock block, long index);

    /** Reads page {@code index} into {@code dst} at {@code off}; zeros if not present. */
    void read(RamBlock block, long index, byte[] dst, int off) throws IOException;
}
