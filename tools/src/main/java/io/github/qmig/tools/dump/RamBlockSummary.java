package io.github.qmig.tools.dump;

import io.github.qmig.ramblock.MappedRamHeader;
import io.github.qmig.ramblock.RamBlock;

import java.util.Objects;

/**
 * A RAM block as announced in a block list (migration/ram.c {@code ram_save_setup}) with the page
 * records that named it.
 *
 * @param mappedRam the block's mapped-ram header, or null in a plain stream
 */
public record RamBlockSummary(RamBlock block, MappedRamHeader mappedRam, PageCounts pages) {

    public RamBlockSummary {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(pages, "pages");
    }
}
