package io.github.qmig.transform.salvage;

import io.github.qmig.codec.MigrationFormatException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a salvaged output holds of a damaged or cut input, and what it lacks: where and why the
 * input broke off, per RAM block the pages known (sent as data or as zero) and the runs missing,
 * the device sections kept whole, and the one dropped because the break came inside it.
 *
 * @param input    the input's name
 * @param cut      why the input could not be read further (its offset, section and code)
 * @param blocks   every RAM block of the block list, in its order
 * @param sections the device sections kept, as {@code idstr instance}, in stream order
 * @param dropped  the device section the break came inside (not written), or null
 */
public record SalvageReport(String input, MigrationFormatException cut, List<Block> blocks, List<String> sections,
                            String dropped) {

    /** Missing runs listed per block (the count is always whole). */
    public static final int RUNS_LISTED = 8;

    /**
     * One RAM block.
     *
     * @param missingRuns up to {@link #RUNS_LISTED} runs of missing pages, as {@code {byte offset, bytes}}
     */
    public record Block(String name, long pages, long known, int pageSize, List<long[]> missingRuns) {

        public long missing() {
            return pages - known;
        }

        public boolean complete() {
            return known == pages;
        }
    }

    public SalvageReport {
        blocks = List.copyOf(blocks);
        sections = List.copyOf(sections);
    }

    /** Whether every page of every block is in the output. */
    public boolean ramComplete() {
        return blocks.stream().allMatch(Block::complete);
    }

    /** The report as lines for a terminal, after the one-line error naming the break. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "salvaged what %s holds before byte 0x%x", input, cut.offset()));
        long missing = blocks.stream().mapToLong(Block::missing).sum();
        if (blocks.isEmpty()) {
            out.add("RAM: none (the break comes before the RAM block list)");
        } else if (missing == 0) {
            out.add("RAM: complete, " + blocks.size() + " blocks");
        }
        for (Block b : blocks) {
            if (b.complete()) {
                continue;
            }
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "RAM: %s has %d of %d pages; missing %d:",
                    b.name(), b.known(), b.pages(), b.missing()));
            for (long[] r : b.missingRuns()) {
                s.append(String.format(Locale.ROOT, " 0x%x-0x%x", r[0], r[0] + r[1]));
            }
            if (b.missingRuns().size() == RUNS_LISTED) {
                s.append(" ...");
            }
            out.add(s.toString());
        }
        String dev = sections.size() + " device section" + (sections.size() == 1 ? "" : "s") + " whole";
        if (dropped != null) {
            dev += "; '" + dropped + "' dropped (the break comes inside it)";
        }
        out.add("device state: " + dev + "; none after the break is read");
        return out;
    }
}
