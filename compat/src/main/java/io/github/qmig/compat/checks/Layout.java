package io.github.qmig.compat.checks;

import io.github.qmig.codec.vmdesc.Vmsd;
import io.github.qmig.codec.vmdesc.VmsdField;

/**
 * Bytes on the wire of a VMDESCRIPTION vmsd, as the checks compare them: a vmsd's fields in order,
 * a struct field counted as its own fields (a nested subsection is optional on load and left out),
 * every field times its {@code array_len}. -1 when the description does not say.
 */
final class Layout {

    private Layout() {
    }

    /** The fields' bytes, nested subsections left out; -1 if unknown. */
    static long fieldBytes(Vmsd v) {
        if (v.fields() == null) {
            return -1;
        }
        long total = 0;
        for (VmsdField f : v.fields()) {
            long one = f.struct() != null && f.struct().fields() != null ? fieldBytes(f.struct()) : f.size();
            long n = f.count();
            if (one < 0 || n < 0 || total < 0) {
                return -1;
            }
            total += one * n;
        }
        return total;
    }

    /** The offset of field {@code index}'s first byte, given the vmsd's first byte; -1 if unknown. */
    static long fieldOffset(Vmsd v, int index, long start) {
        long at = start;
        for (int i = 0; i < index; i++) {
            long w = v.fields().get(i).wireLength();
            if (w < 0 || at < 0) {
                return -1;
            }
            at += w;
        }
        return at;
    }

    /** The offset of subsection {@code index}'s header, given the vmsd's first byte; -1 if unknown. */
    static long subsectionOffset(Vmsd v, int index, long start) {
        long at = v.fields() == null ? start : fieldOffset(v, v.fields().size(), start);
        for (int i = 0; i < index && at >= 0; i++) {
            Vmsd s = v.subsections().get(i);
            long w = s.wireLength();
            at = s.name() == null || w < 0 ? -1 : at + Vmsd.subsectionHeaderLength(s.name()) + w;
        }
        return at;
    }
}
