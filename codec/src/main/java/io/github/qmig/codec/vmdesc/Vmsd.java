package io.github.qmig.codec.vmdesc;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One vmstate description ({@code VMStateDescription}) as the VMDESCRIPTION gives it: a device's
 * own state, a struct field's type, a subsection, or the configuration (migration/vmstate.c
 * {@code vmstate_save_state_v} writes {@code vmsd_name}, {@code version}, {@code fields} and
 * {@code subsections}).
 *
 * <p>Its payload on the wire is its fields in order, then each subsection it lists (a subsection is
 * listed only when it was sent, {@code vmstate_subsection_save}):
 * <pre>
 * payload    := field* subsection*
 * subsection := 05 | u8 len | name[len] | be32 version | payload of the subsection
 * </pre>
 *
 * @param name        {@code vmsd_name}, or null if absent
 * @param version     {@code version}, or -1 if absent
 * @param fields      the fields in wire order, or null if the JSON has no {@code fields} list
 * @param subsections the subsections sent, in wire order (empty if none)
 * @param form        how it looked in the JSON
 */
public record Vmsd(String name, long version, List<VmsdField> fields, List<Vmsd> subsections, JsonForm form) {

    public Vmsd {
        fields = fields == null ? null : List.copyOf(fields);
        subsections = List.copyOf(subsections);
    }

    /** Bytes of a subsection's header on the wire: {@code 05}, the name's length byte, the name, be32 version. */
    public static long subsectionHeaderLength(String name) {
        return 1 + 1 + name.getBytes(StandardCharsets.UTF_8).length + 4;
    }

    /**
     * Bytes of this description's payload on the wire: the sum of its fields' sizes (each measured
     * by QEMU as written, {@code vmsd_desc_field_end}) and of its subsections with their headers;
     * -1 if the JSON does not say (a field without a size, a subsection without a name).
     */
    public long wireLength() {
        long total = 0;
        if (fields != null) {
            for (VmsdField f : fields) {
                total = Sizes.add(total, f.wireLength());
            }
        }
        for (Vmsd s : subsections) {
            total = s.name() == null ? -1 : Sizes.add(total, Sizes.add(subsectionHeaderLength(s.name()), s.wireLength()));
        }
        return total;
    }
}
