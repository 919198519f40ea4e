package io.github.qmig.snapshots;

import io.github.qmig.ramblock.RamBlock;

import java.io.IOException;
import java.util.List;

/**
 * The final contents of a saved state's RAM, page by page, readable in any order: what QEMU's
 * memory holds once it has loaded the save (every record replayed, the last one winning; a page
 * no record sent is zero, as in a fresh destination). Blocks are named by their idstr.
 */
public interface StateView {

    int pageSize();

    /** The RAM blocks, in the order of the save's block list. */
    List<RamBlock> blocks();

    /** The block named {@code name}, or null. */
    default RamBlock block(String name) {
        for (RamBlock b : blocks()) {
            if (b.idstr().equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** Whether page {@code index} of the block is zero, known without reading it; false means "maybe not". */
    boolean knownZero(String block, long index) throws IOException;

    /** Reads page {@code index} of the block into {@code dst} at {@code off}. */
    void read(String block, long index, byte[] dst, int off) throws IOException;

    /**
     * Reads the page unless it is {@linkplain #knownZero known to be zero}: false (and {@code dst}
     * untouched) for a page known to be zero, else true with the page read.
     */
    default boolean readUnlessZero(String block, long index, byte[] dst, int off) throws IOException {
        if (knownZero(block, index)) {
            return false;
        }
        read(block, index, dst, off);
        return true;
    }

    /** The {@link io.github.qmig.input.StreamDigest#fingerprint fingerprint} of page {@code index} of the block. */
    long fingerprint(String block, long index) throws IOException;
}
