package io.github.qmig.snapshots.diff;

import io.github.qmig.codec.vmdesc.VmValue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoded device section as its leaves, each under a path: field names joined by {@code .},
 * array elements as {@code [i]}, a field described on its own index as {@code name[i]}, a
 * subsection by its name ({@code timer/icount.qemu_icount}). A vmsd may name a field like an
 * element of an earlier array (i8254 has {@code channels[0].next_transition_time} after the array
 * {@code channels}); repeats of a path are numbered {@code #2}, {@code #3}.
 */
final class DeviceFields {

    private static final HexFormat HEX = HexFormat.of();

    private DeviceFields() {
    }

    /** The leaves of a decoded section, in wire order. */
    static Map<String, VmValue> leaves(VmValue.Struct s) {
        Map<String, VmValue> out = new LinkedHashMap<>();
        walk(s, "", out);
        return out;
    }

    private static void walk(VmValue.Struct s, String prefix, Map<String, VmValue> out) {
        for (VmValue.Field f : s.fields()) {
            String name = f.name() + (f.index() >= 0 ? "[" + f.index() + "]" : "");
            for (int k = 0; k < f.elements().size(); k++) {
                String path = prefix + name + (f.isArray() ? "[" + k + "]" : "");
                VmValue v = f.elements().get(k);
                if (v instanceof VmValue.Struct nested) {
                    walk(nested, path + ".", out);
                } else if (v instanceof VmValue.Bytes b && b.inline() != null) {
                    walk(b.inline(), path + ".", out);
                } else {
                    put(out, path, v);
                }
            }
        }
        for (VmValue.Subsection sub : s.subsections()) {
            walk(sub.body(), prefix + sub.name() + ".", out);
        }
    }

    private static void put(Map<String, VmValue> out, String path, VmValue v) {
        String p = path;
        for (int n = 2; out.containsKey(p); n++) {
            p = path + "#" + n;
        }
        out.put(p, v);
    }

    /**
     * A leaf's value as text: integers in hex, as wide as the field ({@code 0x0000000d72ea6f3b}),
     * booleans and floats as such, everything else as the hex of its bytes.
     */
    static String render(VmValue v) {
        if (v instanceof VmValue.Int i) {
            return "0x" + hex(i.raw());
        }
        if (v instanceof VmValue.Bool b) {
            return Boolean.toString(b.value());
        }
        if (v instanceof VmValue.Float64 f) {
            return Double.toString(f.value());
        }
        if (v instanceof VmValue.Capability c) {
            return c.name();
        }
        return hex(v.raw());
    }

    private static String hex(ByteBuffer raw) {
        ByteBuffer b = raw.duplicate();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return HEX.formatHex(a);
    }

    /** Whether two leaves hold the same bytes. */
    static boolean same(VmValue a, VmValue b) {
        return a.type().equals(b.type()) && a.raw() != null && a.raw().equals(b.raw());
    }
}
