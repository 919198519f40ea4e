package io.github.qmig.compat.checks;

import io.github.qmig.codec.vmdesc.DeviceEntry;
import io.github.qmig.codec.vmdesc.Vmsd;
import io.github.qmig.codec.vmdesc.VmsdField;
import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.schema.SchemaVmsd;
import io.github.qmig.compat.qemu.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * The subsections the file sent, nested ones included (its VMDESCRIPTION lists them): each must be
 * one the target's description of that vmsd has, at a version it accepts (migration/vmstate.c
 * {@code vmstate_subsection_load}: an unknown name fails the load, with ENOENT and no name printed).
 * A subsection the target knows may be absent or in another order: only "needed" ones are sent.
 * The schema says what the target binary knows whatever its machine type; nested struct types are
 * matched by their vmsd name, and a type the schema does not list is skipped (renames happen).
 */
public final class SubsectionCheck implements Check {

    /** Where in the file a vmsd is, for messages: its section, and the path of fields to it. */
    private record At(StreamFacts.Section section, String parent, String field) {
    }

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        if (target.schema() == null) {
            return;
        }
        for (StreamFacts.Section s : file.sections()) {
            DeviceEntry e = file.entry(s);
            if (e == null || e.vmsd().name() == null) {
                continue;
            }
            List<SchemaVmsd> local = target.schema().vmsds(e.vmsd().name());
            if (!local.isEmpty()) {
                walk(e.vmsd(), local, s.payloadOffset(), new At(s, null, null), target, out);
            }
        }
    }

    private void walk(Vmsd v, List<SchemaVmsd> local, long start, At at, Target target, Problems out) {
        for (int i = 0; i < v.subsections().size(); i++) {
            Vmsd sub = v.subsections().get(i);
            if (sub.name() == null) {
                continue;
            }
            long offset = Layout.subsectionOffset(v, i, start);
            offset = offset < 0 ? at.section().payloadOffset() : offset;
            List<SchemaVmsd> known = local.stream().map(l -> l.subsection(sub.name())).filter(Objects::nonNull).toList();
            if (known.isEmpty()) {
                out.add(CompatCode.SUBSECTION_UNKNOWN, at.section().idstr(), at.section().instance(), offset,
                        "the file's '%s' has subsection '%s', which QEMU %s's '%s' does not know (guest state that "
                        + "no machine-type property turns off)%s", at.section().idstr(), sub.name(), target.version(),
                        v.name(), qemu(failure(at)));
                continue;
            }
            if (!versionAccepted(sub, known, at, offset, target, out)) {
                continue;
            }
            walk(sub, known, offset + Vmsd.subsectionHeaderLength(sub.name()), at, target, out);
        }
        if (v.fields() == null) {
            return;
        }
        for (int i = 0; i < v.fields().size(); i++) {
            VmsdField f = v.fields().get(i);
            if (f.struct() == null || f.struct().name() == null) {
                continue;
            }
            String type = f.struct().name();
            List<SchemaVmsd> nested = new ArrayList<>();
            for (SchemaVmsd l : local) {
                SchemaVmsd n = l.struct(type);
                if (n != null) {
                    nested.add(n);
                }
            }
            if (!nested.isEmpty()) {
                long fieldAt = Layout.fieldOffset(v, i, start);
                walk(f.struct(), nested, fieldAt, new At(at.section(), v.name(), f.name()), target, out);
            }
        }
    }

    private static boolean versionAccepted(Vmsd sub, List<SchemaVmsd> known, At at, long offset, Target target,
                                           Problems out) {
        long version = sub.version();
        if (version < 0 || known.stream().anyMatch(k -> k.accepts(version))) {
            return true;
        }
        int newest = known.stream().mapToInt(SchemaVmsd::versionId).max().getAsInt();
        int oldest = known.stream().mapToInt(SchemaVmsd::minimumVersionId).min().getAsInt();
        String q = version > newest
                ? String.format("%s: incoming version_id %d is too new for local version_id %d", sub.name(), version, newest)
                : String.format("%s: incoming version_id %d is too old for local minimum version_id  %d", sub.name(),
                        version, oldest);
        out.add(CompatCode.SUBSECTION_VERSION, at.section().idstr(), at.section().instance(), offset, "subsection '%s' "
                + "has version %d in the file; QEMU %s reads versions %d to %d%s", sub.name(), version,
                target.version(), oldest, newest, qemu(q));
        return false;
    }

    /** QEMU's first line: the failing struct field, else the section (migration/vmstate.c, savevm.c). */
    private static String failure(At at) {
        if (at.field() != null) {
            return String.format("Failed to load %s:%s", at.parent(), at.field());
        }
        return String.format("error while loading state for instance 0x%x of device '%s'", at.section().instance(),
                at.section().idstr());
    }
}
