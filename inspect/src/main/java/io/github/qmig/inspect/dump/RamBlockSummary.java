package io.github.qmig.inspect.dump;

import io.github.qmig.ramblock.PageTally;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.mapped.MappedRamHeader;

import java.util.Objects;

/**
 * A RAM block as announced in a block list (migration/ram.c {@code ram_save_setup}) with the page
 * records that named it.
 *
 * @param mappedRam the block's mapped-ram header, or null in a plain stream
 */
public record RamBlockSummary(RamBlock block, MappedRamHeader mappedRam, PageTally.Counts pages) {

    public RamBlockSummary {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(pages, "pages");
    }
}
