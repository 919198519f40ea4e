package io.github.qmig.compat.checks;

import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.vmdesc.DeviceEntry;
import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.schema.SchemaVmsd;
import io.github.qmig.compat.qemu.Probe;
import io.github.qmig.compat.qemu.Target;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * Every START and FULL section of the file (migration/savevm.c {@code
 * qemu_loadvm_section_start_full}): the target must have a section of that idstr and instance
 * ({@code find_se}; only a probe knows which devices its command line creates), must accept its
 * version ({@code version_id > se->version_id} is refused; the probe's section version, else the
 * schema's {@code version_id}) and must not require a newer one ({@code minimum_version_id},
 * migration/vmstate.c {@code vmstate_load_state}). A section is matched by idstr, so the order of
 * sections never matters; a path-less idstr of an old stream also matches a device with a path and
 * that vmsd name, as QEMU's compat entries do.
 */
public final class SectionCheck implements Check {

    private static final String UNKNOWN_SECTION = "Unknown savevm section or instance '%s' %d. Make sure that your "
            + "current VM setup matches your saved VM setup, including any hotplugged devices";

    private record Key(String idstr, long instance) {
    }

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        Map<Key, Probe.Section> local = null;
        Set<String> pathVmsds = new HashSet<>();
        if (target.probed()) {
            local = new HashMap<>();
            for (Probe.Section s : target.probe().sections()) {
                local.putIfAbsent(new Key(s.idstr(), s.instance()), s);
                int slash = s.idstr().lastIndexOf('/');
                if (slash > 0) {
                    pathVmsds.add(s.idstr().substring(slash + 1)); // a device with a path: its compat entry
                }
            }
        }
        Set<String> undescribed = new TreeSet<>();
        int checked = 0;
        for (StreamFacts.Section s : file.sections()) {
            if (s.idstr().equals("ram")) {
                continue; // every target has it; its version (4) the reader checks
            }
            checked++;
            String vmsd = vmsdName(file, s);
            List<SchemaVmsd> described = target.schema() == null ? List.of() : target.schema().vmsds(vmsd);
            Probe.Section t = null;
            if (local != null) {
                t = local.get(new Key(s.idstr(), s.instance()));
                boolean compat = t == null && !s.idstr().contains("/") && pathVmsds.contains(s.idstr());
                // an iterative section (START) is in a probe's save only when its handler is active there
                // (dirty bitmaps, block migration need a capability the probe does not set): not judged
                if (t == null && !compat && s.type() == SectionType.START) {
                    continue;
                }
                if (t == null && !compat) {
                    out.add(CompatCode.SECTION_UNKNOWN, s.idstr(), s.instance(), s.offset(), "the target has no section "
                            + "'%s' instance %d%s%s", s.idstr(), s.instance(), why(target, s.idstr(), vmsd, described),
                            qemu(UNKNOWN_SECTION, s.idstr(), s.instance()));
                    continue;
                }
            } else if (described.isEmpty()) {
                undescribed.add(vmsd);
            }
            int newest = t != null ? t.version() : described.stream().mapToInt(SchemaVmsd::versionId).max().orElse(-1);
            if (newest >= 0 && s.version() > newest) {
                out.add(CompatCode.SECTION_VERSION_TOO_NEW, s.idstr(), s.instance(), s.offset(), "section '%s' has "
                        + "version %d in the file; the target reads it up to version %d%s", s.idstr(), s.version(),
                        newest, qemu("savevm: unsupported version %d for '%s' v%d", s.version(), s.idstr(), newest));
                continue;
            }
            int oldest = described.stream().mapToInt(SchemaVmsd::minimumVersionId).min().orElse(-1);
            if (oldest >= 0 && s.version() < oldest) {
                out.add(CompatCode.SECTION_VERSION_TOO_OLD, s.idstr(), s.instance(), s.offset(), "section '%s' has "
                        + "version %d in the file; the target reads it from version %d on%s", s.idstr(), s.version(),
                        oldest, qemu("%s: incoming version_id %d is too old for local minimum version_id  %d", vmsd,
                                s.version(), oldest));
            }
        }
        if (local == null && checked > 0) {
            out.add(CompatCode.SECTIONS_UNCHECKED, -1, "whether the target has each of the file's %d device sections "
                    + "is not checked: its command line decides which devices exist and where; %s%s", checked,
                    Problems.probeIt(target), undescribed.isEmpty() ? ""
                    : "; the schema describes none of " + String.join(", ", undescribed)
                    + " (not devices, or devices that register their state themselves), so their versions are not "
                    + "checked either");
        }
    }

    /** The description's vmsd name when the file has one, else the idstr's last component. */
    static String vmsdName(StreamFacts file, StreamFacts.Section s) {
        DeviceEntry e = file.entry(s);
        return e != null && e.vmsd().name() != null ? e.vmsd().name() : s.vmsdName();
    }

    private static String why(Target target, String idstr, String vmsd, List<SchemaVmsd> described) {
        if (idstr.contains("/") && target.schema() != null && described.isEmpty()) {
            return ": its configuration has no such device there, and QEMU " + target.version()
                    + " describes no device type with vmstate '" + vmsd + "' (the binary may lack it)";
        }
        return ": its configuration lacks it, or has it at another address, with another instance number "
                + "(fewer CPUs or devices of the kind) or created in another order";
    }
}
