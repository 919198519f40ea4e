package io.github.qmig.compat.schema;

import java.util.List;
import java.util.Objects;

/**
 * One {@code VMStateDescription} as {@code -dump-vmstate} prints it (migration/savevm.c
 * {@code dump_vmstate_vmsd}): what the target accepts for it, whatever its configuration.
 *
 * <pre>
 * { "name": "i8259", "version_id": 1, "minimum_version_id": 1,
 *   "Fields": [ ... ],  "Subsections": [ { "name": "i8259/ltim", ... } ] }
 * </pre>
 *
 * On load (migration/vmstate.c {@code vmstate_load_state}) an incoming version above
 * {@code versionId} or below {@code minimumVersionId} is refused, and so is a subsection whose
 * name is not among {@code subsections} ({@code vmstate_subsection_load}).
 *
 * @param name             {@code name}
 * @param versionId        {@code version_id}
 * @param minimumVersionId {@code minimum_version_id}
 * @param fields           {@code Fields} (empty when absent)
 * @param subsections      {@code Subsections} (empty when absent)
 */
public record SchemaVmsd(String name, int versionId, int minimumVersionId, List<SchemaField> fields,
                         List<SchemaVmsd> subsections) {

    public SchemaVmsd {
        Objects.requireNonNull(name, "name");
        fields = List.copyOf(fields);
        subsections = List.copyOf(subsections);
    }

    /** The subsection named {@code subsectionName}, or null: the target refuses it. */
    public SchemaVmsd subsection(String subsectionName) {
        for (SchemaVmsd s : subsections) {
            if (s.name().equals(subsectionName)) {
                return s;
            }
        }
        return null;
    }

    /** The type of a struct field that is the description {@code vmsdName}, or null. */
    public SchemaVmsd struct(String vmsdName) {
        for (SchemaField f : fields) {
            if (f.description() != null && f.description().name().equals(vmsdName)) {
                return f.description();
            }
        }
        return null;
    }

    /** Whether {@code version} is within {@code [minimumVersionId, versionId]}. */
    public boolean accepts(long version) {
        return version >= minimumVersionId && version <= versionId;
    }
}
