package io.github.qmig.inspect.dump;

import io.github.qmig.ramblock.PageTally;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one RAM section payload holds (migration/ram.c {@code ram_save_setup},
 * {@code ram_save_iterate}, {@code ram_save_complete}): the block list of a START section, then page
 * records counted per block, and the markers.
 *
 * @param memSize      the MEM_SIZE record's total, or -1 if the section has none
 * @param blocks       the block list entries of this section (START only), with mapped-ram headers
 * @param pages        page records per block name, in order of first appearance
 * @param eos          EOS markers (one per section)
 * @param multifdFlush MULTIFD_FLUSH markers
 * @param hook         RDMA HOOK markers
 */
public record RamSectionSummary(long memSize, List<RamBlockSummary> blocks, Map<String, PageTally.Counts> pages,
                                long eos, long multifdFlush, long hook) {

    public RamSectionSummary {
        blocks = List.copyOf(blocks);
        pages = Collections.unmodifiableMap(new LinkedHashMap<>(pages));
    }
}
