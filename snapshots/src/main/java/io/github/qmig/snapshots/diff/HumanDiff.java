package io.github.qmig.snapshots.diff;

import io.github.qmig.snapshots.diff.StateDiff.BlockDiff;
import io.github.qmig.snapshots.diff.StateDiff.ConfigChange;
import io.github.qmig.snapshots.diff.StateDiff.DeviceChange;
import io.github.qmig.snapshots.diff.StateDiff.FieldChange;

import java.util.Locale;

/** The human face of {@code qmig diff}: one line per changed block, device and field. */
public final class HumanDiff {

    /** Values longer than this are cut in the listing ({@code --json} has them whole). */
    private static final int VALUE_WIDTH = 34;

    private HumanDiff() {
    }

    /** @param pages whether to list every changed range of every block */
    public static String render(StateDiff d, boolean pages) {
        StringBuilder b = new StringBuilder();
        if (d.identical()) {
            return "identical: same RAM, device state and configuration\n";
        }
        long changedBlocks = d.ram().stream().filter(x -> x.pagesDiffer() > 0).count();
        b.append(String.format(Locale.ROOT, "RAM: %d page%s differ%s (page inconsistencies) in %d of %d blocks%n",
                d.pagesDiffer(), d.pagesDiffer() == 1 ? "" : "s", d.pagesDiffer() == 1 ? "s" : "", changedBlocks,
                d.ram().size()));
        int w = d.ram().stream().mapToInt(x -> x.block().length()).max().orElse(5);
        for (BlockDiff x : d.ram()) {
            if (x.pagesDiffer() == 0) {
                continue;
            }
            String where = d.blocksOnlyInA().contains(x.block()) ? "  (only in A)"
                    : d.blocksOnlyInB().contains(x.block()) ? "  (only in B)" : "";
            b.append(String.format(Locale.ROOT, "  %-" + w + "s %9d pages %6d range%s%s%n", x.block(), x.pagesDiffer(),
                    x.ranges().size(), x.ranges().size() == 1 ? " " : "s", where));
            if (pages) {
                for (long[] r : x.ranges()) {
                    b.append(String.format(Locale.ROOT, "    0x%x +0x%x%n", r[0], r[1]));
                }
            }
        }
        if (!d.devices().isEmpty()) {
            b.append(String.format(Locale.ROOT, "Devices: %d section%s differ%n", d.devices().size(),
                    d.devices().size() == 1 ? "" : "s"));
            for (DeviceChange x : d.devices()) {
                b.append(String.format(Locale.ROOT, "  %s (%d): %s%s%n", x.section(), x.instance(),
                        x.change().name().toLowerCase(Locale.ROOT), x.note() == null ? "" : "; " + x.note()));
                int fw = x.fields().stream().mapToInt(f -> f.path().length()).max().orElse(0);
                for (FieldChange f : x.fields()) {
                    b.append(String.format(Locale.ROOT, "    %-" + fw + "s  %s -> %s%n", f.path(), cut(f.oldValue()),
                            cut(f.newValue())));
                }
            }
        }
        for (ConfigChange c : d.configuration()) {
            b.append(String.format(Locale.ROOT, "Configuration: %s %s -> %s%n", c.field(), c.a(), c.b()));
        }
        return b.toString();
    }

    private static String cut(String v) {
        if (v == null) {
            return "(absent)";
        }
        return v.length() <= VALUE_WIDTH ? v : v.substring(0, VALUE_WIDTH - 3) + "...";
    }
}
