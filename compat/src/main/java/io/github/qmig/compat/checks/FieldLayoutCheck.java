package io.github.qmig.compat.checks;

import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DeviceEntry;
import io.github.qmig.codec.vmdesc.Vmsd;
import io.github.qmig.codec.vmdesc.VmsdField;
import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * The fields of each device section: the target reads the fields its own description has for the
 * incoming version, those whose {@code field_exists} callback its own properties enable included
 * (migration/vmstate.c {@code vmstate_field_exists}), and checks no length, so bytes more or less
 * than the file has put it out of step: it then fails further on, usually at the section's footer.
 * The probe's save lists exactly those fields with their sizes on the wire; with equal section
 * versions, the file's and the target's field bytes must be equal (nested subsections aside, and
 * the subsections both sent). Names are not compared: fields get renamed without changing the
 * stream. Sections with a {@code virtio} field are skipped (its size follows the device's queues),
 * and so are old-style ones (one opaque buffer).
 */
public final class FieldLayoutCheck implements Check {

    private static final int NAMES_SHOWN = 4;

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        if (file.sections().stream().noneMatch(s -> s.fullIndex() >= 0 && !s.idstr().equals("ram"))) {
            return;
        }
        if (file.description() == null) {
            out.add(CompatCode.FIELDS_UNCHECKED, -1, "the file has no usable VMDESCRIPTION (%s): the fields and "
                    + "subsections of its sections are not checked", file.hasVmDescription()
                    ? "it does not parse" : "saved with suppress-vmdesc, or by a source that writes none");
            return;
        }
        Description local = target.probed() ? target.probe().description() : null;
        if (local == null) {
            out.add(CompatCode.FIELDS_UNCHECKED, -1, "the field layouts of the file's sections are not compared: the "
                    + "bytes a target reads depend on its properties, which only a probe's save tells (the schema "
                    + "gives C sizes); %s", Problems.probeIt(target));
            return;
        }
        for (StreamFacts.Section s : file.sections()) {
            DeviceEntry e = file.entry(s);
            DeviceEntry t = local.deviceByKey(s.idstr(), s.instance());
            if (e == null || t == null || e.version() != t.version() || e.size() >= 0 || t.size() >= 0
                    || hasVirtio(e.vmsd()) || hasVirtio(t.vmsd())) {
                continue;
            }
            compare(e.vmsd(), t.vmsd(), s, s.payloadOffset(), target, out);
        }
    }

    /** Compares one vmsd, then the subsections both sent at the same version. */
    private static void compare(Vmsd mine, Vmsd theirs, StreamFacts.Section s, long at, Target target, Problems out) {
        long a = Layout.fieldBytes(mine);
        long b = Layout.fieldBytes(theirs);
        if (a >= 0 && b >= 0 && a != b) {
            String where = mine == null || mine.name() == null || mine.name().equals(s.vmsdName()) ? ""
                    : " (subsection " + mine.name() + ")";
            out.add(CompatCode.FIELD_LAYOUT_MISMATCH, s.idstr(), s.instance(), at, "the file's '%s'%s v%d has %d bytes "
                    + "of fields and the target reads %d%s; QEMU loses its place in the stream%s", s.idstr(), where,
                    s.version(), a, b, difference(mine, theirs), qemu(consequence(s, target)));
            return;
        }
        for (int i = 0; i < mine.subsections().size(); i++) {
            Vmsd sub = mine.subsections().get(i);
            for (Vmsd other : theirs.subsections()) {
                if (sub.name() != null && sub.name().equals(other.name()) && sub.version() == other.version()) {
                    long subAt = Layout.subsectionOffset(mine, i, at);
                    compare(sub, other, s, subAt < 0 ? at : subAt + Vmsd.subsectionHeaderLength(sub.name()), target,
                            out);
                }
            }
        }
    }

    private static String consequence(StreamFacts.Section s, Target target) {
        return target.probe().footers() ? "Missing section footer for " + s.idstr()
                : "an unknown section type or a failing field after it; the message depends on the bytes";
    }

    /**
     * {@code ; in the file only: core.timadj (8 bytes)}: a hint, fields compared by name, where a
     * field of one side and one of the other of equal bytes are taken for a rename and left out.
     */
    private static String difference(Vmsd mine, Vmsd theirs) {
        Map<String, Long> a = bytesByName(mine);
        Map<String, Long> b = bytesByName(theirs);
        List<Map.Entry<String, Long>> onlyMine = new ArrayList<>();
        List<Map.Entry<String, Long>> onlyTheirs = new ArrayList<>();
        a.entrySet().stream().filter(e -> !e.getValue().equals(b.get(e.getKey()))).forEach(onlyMine::add);
        b.entrySet().stream().filter(e -> !e.getValue().equals(a.get(e.getKey()))).forEach(onlyTheirs::add);
        for (var it = onlyMine.iterator(); it.hasNext(); ) {
            long bytes = it.next().getValue();
            var twin = onlyTheirs.stream().filter(e -> e.getValue() == bytes).findFirst();
            if (twin.isPresent()) {
                onlyTheirs.remove(twin.get());
                it.remove();
            }
        }
        StringBuilder sb = new StringBuilder();
        if (!onlyMine.isEmpty()) {
            sb.append("; in the file only: ").append(shown(onlyMine));
        }
        if (!onlyTheirs.isEmpty()) {
            sb.append("; in the target only: ").append(shown(onlyTheirs));
        }
        return sb.toString();
    }

    private static String shown(List<Map.Entry<String, Long>> fields) {
        List<String> names = fields.stream().map(e -> e.getKey() + " (" + e.getValue() + " bytes)").toList();
        List<String> head = names.subList(0, Math.min(NAMES_SHOWN, names.size()));
        return String.join(", ", head) + (names.size() > NAMES_SHOWN ? " and " + (names.size() - NAMES_SHOWN) + " more" : "");
    }

    private static Map<String, Long> bytesByName(Vmsd v) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (v.fields() != null) {
            for (VmsdField f : v.fields()) {
                out.merge(f.name(), f.wireLength(), (x, y) -> x < 0 || y < 0 ? -1 : x + y);
            }
        }
        return out;
    }

    private static boolean hasVirtio(Vmsd v) {
        return v.fields() != null && v.fields().stream().anyMatch(f -> "virtio".equals(f.type()));
    }
}
