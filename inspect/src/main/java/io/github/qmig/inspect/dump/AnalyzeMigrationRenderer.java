package io.github.qmig.inspect.dump;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DeviceEntry;
import io.github.qmig.codec.vmdesc.VmValue;
import io.github.qmig.codec.vmdesc.VmstateDecoder;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a {@link MigrationDump} as QEMU's scripts/analyze-migration.py prints it (QEMU 10.0):
 * {@link #state} is its default {@code -d state} output, {@link #desc} its {@code -d desc} output,
 * text for text.
 *
 * <p>The state document maps {@code "<idstr> (<section id>)"}, in order of first appearance of the
 * section id, to:
 * <ul>
 * <li>RAM: {@code {"section sizes": {"<block>": "0x%016x" used_length, ...}}};</li>
 * <li>a FULL section: its fields by name, then its subsections by name, decoded with the
 *     description entry that has its idstr and instance id (the last such entry). Integers are
 *     {@code "0x%0<2*size>x"} strings, with {@code " (<decimal>)"} appended when the script's type
 *     is signed and the value negative; {@code bool} is a JSON boolean; a NULL pointer is
 *     {@code "nullptr"}; other types are their bytes as space-separated hex; a struct is an object.
 *     Elements of arrays, and fields whose name repeats, become a list, except that a single
 *     element stays a plain value;</li>
 * <li>other live sections (htab, storage attributes): {@code ""}.</li>
 * </ul>
 *
 * <p>Where the script stops with an exception, this renderer still answers: XBZRLE and zlib RAM
 * records are counted elsewhere and do not change the RAM entry; commands other than
 * SWITCHOVER_START are skipped; a FULL section without a description (no VMDESCRIPTION, or no
 * entry for it) is its payload as space-separated hex; a live section the script does not know
 * (dirty-bitmap, VFIO, block) is {@code ""}; a capability value is its name; the page size comes
 * from the stream when the description has none. Device payloads that do not fit their description
 * fail with a {@link MigrationFormatException}, as the script fails.
 */
public final class AnalyzeMigrationRenderer {

    /** A list made by merging repeated field names, as opposed to a value. */
    private static final class Merged extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
    }

    private AnalyzeMigrationRenderer() {
    }

    /** {@code analyze-migration.py -f FILE} (also {@code -d state}) output, with the final newline. */
    public static String state(MigrationDump dump) throws MigrationFormatException {
        return PythonJson.encode(stateTree(dump)) + "\n";
    }

    /** {@code analyze-migration.py -d desc} output with the final newline, or null without a VMDESCRIPTION. */
    public static String desc(MigrationDump dump) {
        return dump.description() == null ? null : PythonJson.encode(dump.description().toJson()) + "\n";
    }

    /** The state document as ordered maps, lists and strings. */
    public static Map<String, Object> stateTree(MigrationDump dump) throws MigrationFormatException {
        Map<Long, String> names = new LinkedHashMap<>();
        Map<Long, Object> values = new LinkedHashMap<>();
        Map<Long, Map<String, Object>> ramSizes = new LinkedHashMap<>();
        for (DumpRecord r : dump.records()) {
            if (!(r instanceof DumpRecord.Section s)) {
                continue;
            }
            long id = Integer.toUnsignedLong(s.header().sectionId());
            if (s.type().hasFullHeader()) {
                names.put(id, Description.jsonName(s.header().idstr()));
                if (s.ram() != null) {
                    Map<String, Object> sizes = new LinkedHashMap<>();
                    Map<String, Object> ram = new LinkedHashMap<>();
                    ram.put("section sizes", sizes);
                    ramSizes.put(id, sizes);
                    values.put(id, ram);
                } else {
                    values.put(id, s.type() == SectionType.FULL ? device(dump, s) : "");
                }
            }
            Map<String, Object> sizes = ramSizes.get(id);
            if (s.ram() != null && sizes != null) {
                for (RamBlockSummary b : s.ram().blocks()) {
                    sizes.put(Description.jsonName(b.block().idstr()), String.format("0x%016x", b.block().usedLength()));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((id, v) -> out.put(names.get(id) + " (" + id + ")", v));
        return out;
    }

    private static Object device(MigrationDump dump, DumpRecord.Section s) throws MigrationFormatException {
        DeviceEntry d = dump.description() == null ? null
                : dump.description().deviceByKey(s.header().idstr(), Integer.toUnsignedLong(s.header().instanceId()));
        if (d == null || d.vmsd().fields() == null) {
            return Hex.spaced(s.payload()); // the script stops here: KeyError, or "vmstate ... has no fields"
        }
        VmValue.Struct v = VmstateDecoder.decode(d.vmsd(), s.payload().duplicate(), s.payloadOffset(), dump.source(),
                s.header().section(), s.offset());
        return struct(v);
    }

    static Map<String, Object> struct(VmValue.Struct s) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (VmValue.Field f : s.fields()) {
            for (VmValue e : f.elements()) {
                merge(data, f.name(), element(f.type(), e));
            }
        }
        for (VmValue.Subsection sub : s.subsections()) {
            data.put(sub.name(), struct(sub.body()));
        }
        return data;
    }

    /** VMSDFieldStruct.read: a repeated name turns the entry into a list, later ones are appended. */
    private static void merge(Map<String, Object> data, String name, Object v) {
        Object old = data.get(name);
        if (old == null && !data.containsKey(name)) {
            data.put(name, v);
        } else if (old instanceof Merged l) {
            l.add(v);
        } else {
            Merged l = new Merged();
            l.add(old);
            l.add(v);
            data.put(name, l);
        }
    }

    /** One element by the script's reader for {@code type} ({@code vmsd_field_readers}). */
    private static Object element(String type, VmValue v) {
        if (v instanceof VmValue.Struct s) {
            return struct(s);
        }
        if (v instanceof VmValue.Capability c) {
            return c.name();
        }
        switch (type) {
            case "bool":
                return v.raw().hasRemaining() && v.raw().get(v.raw().position()) != 0;
            case "int8": case "int16": case "int32": case "int32 equal": case "int32 le": case "int64":
            case "int64 equal": case "uint8 equal": case "uint16 equal":
                return integer(v.raw(), true);
            case "uint8": case "uint16": case "uint32": case "uint32 equal": case "uint64":
                return integer(v.raw(), false);
            case "nullptr":
                return "nullptr";
            default:
                return Hex.spaced(v.raw());
        }
    }

    /** VMSDFieldInt.__repr__: {@code 0x%0Nx}, plus {@code " (%d)"} for negative signed values. */
    private static String integer(ByteBuffer raw, boolean signed) {
        byte[] b = new byte[raw.remaining()];
        raw.duplicate().get(b);
        BigInteger u = new BigInteger(1, b);
        String digits = u.toString(16);
        String padded = "0".repeat(Math.max(0, 2 * b.length - digits.length())) + digits;
        if (signed && b.length > 0 && b[0] < 0) {
            return "0x" + padded + " (" + new BigInteger(b) + ")";
        }
        return "0x" + padded;
    }
}
