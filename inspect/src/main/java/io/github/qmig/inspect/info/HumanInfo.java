package io.github.qmig.inspect.info;

import io.github.qmig.input.Compression;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.LibvirtHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.qcow2.Snapshot;
import io.github.qmig.qcow2.SnapshotChoice;
import io.github.qmig.ramblock.RamPage;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The human face of {@code qmig info}: a compact, aligned summary readable at a glance. */
public final class HumanInfo {

    /** A libvirt domain XML's name: the first {@code <name>} element, that of {@code <domain>}. */
    private static final Pattern DOMAIN_NAME = Pattern.compile("<name>([^<]*)</name>");

    private HumanInfo() {
    }

    public static String render(InfoReport report) {
        StreamSummary s = report.summary();
        StringBuilder b = new StringBuilder();
        String source = source(report.input());
        if (source != null) {
            row(b, "Source", source);
        }
        row(b, "Format", s.format() + " v" + s.version + (s.complete ? "" : "  (INCOMPLETE)"));
        row(b, "Machine", s.machine == null ? "(no configuration record)" : s.machine);
        row(b, "Capabilities", s.capabilities.isEmpty() ? "-" : String.join(", ", s.capabilities));
        row(b, "Page size", s.pageSize > 0 ? bytes(s.pageSize) : "?");
        String shape = String.format(Locale.ROOT, "%d RAM iteration%s, footers %s, VMDESCRIPTION %s",
                s.ramIterations, s.ramIterations == 1 ? "" : "s", s.footers > 0 ? "on" : "off",
                s.vmdesc ? "present (" + bytes(s.vmdescBytes) + ")" : "absent");
        row(b, "Stream", shape);
        row(b, "Size", bytes(s.streamEnd) + String.format(Locale.ROOT, " (%d bytes)", s.streamEnd));
        if (s.vcpus() > 0 || s.runState() != null) {
            row(b, "Guest", (s.vcpus() > 0 ? s.vcpus() + " vCPU" + (s.vcpus() == 1 ? "" : "s") : "no cpu section")
                    + (s.runState() != null ? ", " + s.runState() + " when saved" : ""));
        }
        if (s.complete) {
            row(b, "Load with", LoadHint.of(s, report.input()).line());
        }
        if (s.trailing != null) {
            row(b, "Trailing", trailing(s.trailing));
        }
        if (!s.commands.isEmpty()) {
            StringBuilder c = new StringBuilder();
            s.commands.forEach((k, v) -> c.append(c.length() > 0 ? ", " : "").append(k).append(v > 1 ? " x" + v : ""));
            row(b, "Commands", c.toString());
        }
        b.append('\n');
        List<StreamSummary.Block> blocks = s.blocks();
        int w = Math.max(5, blocks.stream().mapToInt(x -> x.name.length()).max().orElse(5));
        b.append(String.format(Locale.ROOT, "%-" + w + "s %10s %9s %9s %9s %9s%n", "RAM block", "size", "data",
                "zero", "xbzrle", "zlib"));
        for (StreamSummary.Block x : blocks) {
            b.append(String.format(Locale.ROOT, "%-" + w + "s %10s %9d %9d %9d %9d%n", x.name, bytes(x.usedLength),
                    x.pages.get(RamPage.Kind.PAGE) + x.pages.get(RamPage.Kind.MAPPED), x.pages.get(RamPage.Kind.ZERO),
                    x.pages.get(RamPage.Kind.XBZRLE), x.pages.get(RamPage.Kind.COMPRESSED)));
        }
        b.append('\n');
        List<StreamSummary.Section> secs = s.sections();
        int n = Math.max(7, secs.stream().mapToInt(x -> x.name.length()).max().orElse(7));
        int ids = Math.max(4, secs.stream().mapToInt(x -> Long.toString(x.id).length()).max().orElse(4));
        int inst = Math.max(4, secs.stream().mapToInt(x -> Long.toString(x.instance).length()).max().orElse(4));
        String head = "%" + ids + "s %-" + n + "s %" + inst + "s %4s %7s %10s%n";
        String line = "%" + ids + "d %-" + n + "s %" + inst + "d %4d %7d %10s%n";
        b.append(String.format(Locale.ROOT, head, "id", "section", "inst", "ver", "records", "size"));
        for (StreamSummary.Section x : secs) {
            long records = x.start + x.part + x.end + x.full;
            b.append(String.format(Locale.ROOT, line, x.id, x.name, x.instance, x.version, records,
                    x.name.equals("ram") ? "-" : bytes(x.bytes)));
        }
        if (report.error() != null) {
            b.append('\n').append("Error: ").append(report.error().getMessage()).append('\n');
        }
        return b.toString();
    }

    /** The bytes after the stream, in words; QEMU never reads them. */
    private static String trailing(io.github.qmig.codec.TrailingBytes t) {
        String n = t.length() >= 0 ? bytes(t.length()) + " " : "";
        String what = switch (t.kind()) {
            case AFTER_EOF -> n + "after the EOF record, not a VMDESCRIPTION";
            case AFTER_DESCRIPTION -> n + "after the VMDESCRIPTION";
            case CUT_DESCRIPTION -> "a VMDESCRIPTION cut short (" + n.trim() + (t.declared() >= 0
                    ? " of " + bytes(t.declared() + 5) : "") + ")";
            case UNREAD_DESCRIPTION -> "a VMDESCRIPTION of " + bytes(t.declared()) + ", beyond the limit: not read";
        };
        return what + String.format(Locale.ROOT, " at 0x%x; QEMU does not read it", t.offset());
    }

    /** How the stream was wrapped, or null for a plain file or pipe. */
    private static String source(MigrationInput in) {
        SnapshotChoice c = in.qcow2();
        if (c != null) {
            Snapshot s = c.snapshot();
            return String.format(Locale.ROOT, "qcow2 image v%d, VM state of snapshot %s, taken %s, VM clock %s",
                    c.image().version(), s.describe(), QemuSnapshotColumns.date(s.dateSec(), ZoneId.systemDefault()),
                    QemuSnapshotColumns.clock(s.vmClockNsec()));
        }
        LibvirtHeader h = in.libvirt();
        String outer = in.outer() == Compression.NONE ? "" : in.outer().name().toLowerCase(Locale.ROOT) + "-compressed ";
        IncrementHeader inc = in.increment();
        if (inc != null) {
            return String.format(Locale.ROOT, "%sqmig increment: %d changed pages over base state %s, giving state %s",
                    outer, inc.pages(), IncrementHeader.shortForm(inc.base()), IncrementHeader.shortForm(inc.result()));
        }
        if (h == null) {
            return outer.isEmpty() ? null : outer + "stream";
        }
        Matcher name = DOMAIN_NAME.matcher(h.domainXml());
        return String.format(Locale.ROOT, "%slibvirt save image, format %s, %s; domain %s, %s on restore", outer,
                h.formatName(), h.complete() ? "complete" : "INCOMPLETE (LibvirtQemudPart)",
                name.find() ? name.group(1) : "?", h.wasRunning() ? "running" : "paused");
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append(String.format(Locale.ROOT, "%-13s %s%n", k + ":", v));
    }

    /** 4096 -> "4 KiB", 67108864 -> "64 MiB", 1536 -> "1.5 KiB". */
    public static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return n + " B";
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v))
                + " " + units[u];
    }
}
