package io.github.qmig.snapshots.diff;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DeviceEntry;
import io.github.qmig.codec.vmdesc.VmValue;
import io.github.qmig.codec.vmdesc.VmstateDecoder;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.snapshots.ChangedPages;
import io.github.qmig.snapshots.SavedState;
import io.github.qmig.snapshots.Skeleton;
import io.github.qmig.snapshots.Skeleton.DeviceSection;
import io.github.qmig.snapshots.diff.StateDiff.BlockDiff;
import io.github.qmig.snapshots.diff.StateDiff.Change;
import io.github.qmig.snapshots.diff.StateDiff.ConfigChange;
import io.github.qmig.snapshots.diff.StateDiff.DeviceChange;
import io.github.qmig.snapshots.diff.StateDiff.FieldChange;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code qmig diff}: the final states of A and B compared. A is read first (its pages located,
 * not read), then B against it, each of B's pages compared with A's as it arrives; so two files of
 * the same state saved in different ways (stream or mapped-ram, paused or live, XBZRLE) compare
 * equal. Device sections are compared byte for byte and, where they differ, field by field with
 * each file's VMDESCRIPTION; the configuration item by item, leaving out {@code mapped-ram}, which
 * says how a file is laid out, not what it holds.
 */
public final class Differ {

    private Differ() {
    }

    /** Compares two files ({@code -} for standard input for one of them). */
    public static StateDiff compare(String a, String b, ReadLimits limits, Path tempDir) throws IOException {
        SavedState.Options o = SavedState.Options.plain(tempDir).withLimits(limits);
        try (SavedState sa = SavedState.read(a, o); SavedState sb = SavedState.read(b, o.withReference(sa))) {
            return compare(sa, sb);
        }
    }

    /** Compares A with B, which was read against A. */
    public static StateDiff compare(SavedState a, SavedState b) throws IOException {
        if (b.reference() != a) {
            throw new IllegalArgumentException(b.name() + " was not read against " + a.name());
        }
        List<BlockDiff> ram = new ArrayList<>();
        List<String> onlyA = new ArrayList<>();
        List<String> onlyB = new ArrayList<>();
        Map<String, List<long[]>> runs = new LinkedHashMap<>();
        Map<String, long[]> counts = new LinkedHashMap<>();
        int ps = b.pageSize();
        for (RamBlock blk : b.blocks()) {
            runs.put(blk.idstr(), new ArrayList<>());
            counts.put(blk.idstr(), new long[1]);
            if (a.block(blk.idstr()) == null) {
                onlyB.add(blk.idstr());
            }
        }
        ChangedPages.forEach(b, (blk, first, count) -> {
            runs.get(blk.idstr()).add(new long[] {first * ps, count * ps});
            counts.get(blk.idstr())[0] += count;
        });
        for (RamBlock blk : b.blocks()) {
            RamBlock ab = a.block(blk.idstr());
            List<long[]> r = runs.get(blk.idstr());
            long n = counts.get(blk.idstr())[0];
            if (ab != null && ab.usedLength() > blk.usedLength()) { // A's pages past the end of B's block
                add(r, blk.usedLength(), ab.usedLength() - blk.usedLength());
                n += ChangedPages.removed(b, ab);
            }
            ram.add(new BlockDiff(blk.idstr(), ps, blk.usedLength(), n, r));
        }
        for (RamBlock ab : a.blocks()) {
            if (b.block(ab.idstr()) == null) {
                onlyA.add(ab.idstr());
                List<long[]> r = new ArrayList<>();
                add(r, 0, ab.usedLength());
                ram.add(new BlockDiff(ab.idstr(), a.pageSize(), ab.usedLength(), ab.usedLength() / a.pageSize(), r));
            }
        }
        return new StateDiff(a.name(), b.name(), ram, onlyA, onlyB, devices(a, b), configuration(a, b));
    }

    private static void add(List<long[]> runs, long offset, long length) {
        if (length <= 0) {
            return;
        }
        long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
        if (last != null && last[0] + last[1] == offset) {
            last[1] += length;
        } else {
            runs.add(new long[] {offset, length});
        }
    }

    private static List<DeviceChange> devices(SavedState a, SavedState b) {
        Map<String, DeviceSection> inB = keyed(b.skeleton().devices());
        List<DeviceChange> out = new ArrayList<>();
        for (Map.Entry<String, DeviceSection> e : keyed(a.skeleton().devices()).entrySet()) {
            DeviceSection da = e.getValue();
            DeviceSection db = inB.remove(e.getKey());
            long instance = Integer.toUnsignedLong(da.section().instanceId());
            if (db == null) {
                out.add(new DeviceChange(da.section().idstr(), instance, Change.REMOVED, List.of(), null));
            } else if (!da.payload().equals(db.payload()) || da.section().version() != db.section().version()) {
                out.add(changed(a, da, b, db));
            }
        }
        for (DeviceSection db : inB.values()) {
            out.add(new DeviceChange(db.section().idstr(), Integer.toUnsignedLong(db.section().instanceId()),
                    Change.ADDED, List.of(), null));
        }
        return out;
    }

    /** Sections by idstr and instance; a repeated FULL section of the same device gets "@2", "@3". */
    private static Map<String, DeviceSection> keyed(List<DeviceSection> sections) {
        Map<String, DeviceSection> out = new LinkedHashMap<>();
        for (DeviceSection d : sections) {
            String k = d.key();
            for (int n = 2; out.containsKey(k); n++) {
                k = d.key() + "@" + n;
            }
            out.put(k, d);
        }
        return out;
    }

    private static DeviceChange changed(SavedState a, DeviceSection da, SavedState b, DeviceSection db) {
        String idstr = da.section().idstr();
        long instance = Integer.toUnsignedLong(da.section().instanceId());
        if (da.section().version() != db.section().version()) {
            return new DeviceChange(idstr, instance, Change.CHANGED, List.of(), String.format(
                    "section version %d in A, %d in B", da.section().version(), db.section().version()));
        }
        Map<String, VmValue> fa;
        Map<String, VmValue> fb;
        try {
            fa = decode(a, da);
            fb = decode(b, db);
        } catch (MigrationFormatException e) {
            return new DeviceChange(idstr, instance, Change.CHANGED, List.of(), "fields not decoded: " + e.getMessage());
        }
        if (fa == null || fb == null) {
            return new DeviceChange(idstr, instance, Change.CHANGED, List.of(),
                    "fields not decoded: no VMDESCRIPTION entry for the section in " + (fa == null ? "A" : "B"));
        }
        List<FieldChange> fields = new ArrayList<>();
        for (Map.Entry<String, VmValue> e : fa.entrySet()) {
            VmValue vb = fb.remove(e.getKey());
            VmValue va = e.getValue();
            if (vb == null) {
                fields.add(new FieldChange(e.getKey(), va.type(), DeviceFields.render(va), null));
            } else if (!DeviceFields.same(va, vb)) {
                fields.add(new FieldChange(e.getKey(), va.type(), DeviceFields.render(va), DeviceFields.render(vb)));
            }
        }
        for (Map.Entry<String, VmValue> e : fb.entrySet()) {
            fields.add(new FieldChange(e.getKey(), e.getValue().type(), null, DeviceFields.render(e.getValue())));
        }
        return new DeviceChange(idstr, instance, Change.CHANGED, fields, null);
    }

    /** A section's leaves, or null if the save has no description for it. */
    private static Map<String, VmValue> decode(SavedState s, DeviceSection d) throws MigrationFormatException {
        VmDescription v = s.skeleton().description();
        if (v == null || d.fullIndex() < 0) {
            return null;
        }
        Description desc = v.description();
        DeviceEntry entry = desc.device(d.fullIndex(), d.section().idstr(), Integer.toUnsignedLong(d.section().instanceId()));
        if (entry == null) {
            return null;
        }
        VmValue.Struct decoded = VmstateDecoder.decode(entry.vmsd(), d.payload().duplicate(), d.payloadOffset(), s.name(),
                d.section(), d.section().startOffset());
        return DeviceFields.leaves(decoded);
    }

    private static List<ConfigChange> configuration(SavedState a, SavedState b) {
        List<ConfigChange> out = new ArrayList<>();
        Skeleton sa = a.skeleton();
        Skeleton sb = b.skeleton();
        Configuration ca = sa.configuration();
        Configuration cb = sb.configuration();
        compare(out, "machine", ca == null ? null : ca.machine(), cb == null ? null : cb.machine());
        compare(out, "page_size", Integer.toString(a.pageSize()), Integer.toString(b.pageSize()));
        compare(out, "target_page_bits", ca == null ? null : bits(ca), cb == null ? null : bits(cb));
        compare(out, "capabilities", String.join(",", sa.capabilities()), String.join(",", sb.capabilities()));
        compare(out, "uuid", ca == null ? null : ca.uuid().map(Object::toString).orElse(null),
                cb == null ? null : cb.uuid().map(Object::toString).orElse(null));
        for (RamBlock rb : b.blocks()) {
            RamBlock ra = a.block(rb.idstr());
            if (ra != null) {
                compare(out, "used_length of " + rb.idstr(), Long.toString(ra.usedLength()), Long.toString(rb.usedLength()));
            }
        }
        return out;
    }

    private static String bits(Configuration c) {
        return c.targetPageBits().isPresent() ? Integer.toString(c.targetPageBits().getAsInt()) : null;
    }

    private static void compare(List<ConfigChange> out, String field, String a, String b) {
        if (!Objects.equals(a, b)) {
            out.add(new ConfigChange(field, a, b));
        }
    }
}
