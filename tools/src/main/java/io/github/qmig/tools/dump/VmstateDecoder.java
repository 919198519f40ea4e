package io.github.qmig.tools.dump;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Reason;
import io.github.qmig.codec.SectionRef;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a vmstate payload with the matching object of the file's VMDESCRIPTION (section 5 of
 * docs/qemu-migration-format.md): the fields in order, then the listed subsections.
 *
 * <pre>
 * payload    := field* subsection*                       (vmstate_save_state_v, migration/vmstate.c)
 * field      := element * (array_len or 1)               each element is "size" bytes, except:
 *   struct     nested payload of "struct" (its fields, then its own subsections); "size" counts both
 *   capability u8 len + len bytes                       (put_capability, migration/savevm.c)
 *   nullptr    the byte 0x30                            (put_nullptr, migration/vmstate-types.c)
 * subsection := 05 | u8 len | name | be32 version | payload of the subsection's object
 *                                                       (vmstate_subsection_save)
 * </pre>
 *
 * Leaf types are read as {@link VmValue}s by {@link #kindOf(String)}. A {@code tmp} or
 * {@code vstruct} field whose description object carries {@code fields} is also decoded from its
 * bytes when those fields account for exactly {@code size} bytes. The decoder advances the given
 * buffer; what is left after {@link #decode} is the caller's to report.
 */
public final class VmstateDecoder {

    /** How a field type's elements are read. */
    enum Kind { SIGNED, UNSIGNED, BOOL, FLOAT64, NULLPTR, CAPABILITY, STRUCT, BYTES }

    private static final int MAX_DEPTH = 64;
    private static final long MAX_ELEMENTS = 1 << 24;
    private static final int NULLPTR_MARKER = 0x30;
    private static final int SUBSECTION = 0x05;

    private final ByteBuffer buf;
    private final long base;
    private final String source;
    private final SectionRef section;
    private final long eventOffset;
    private int depth;

    private VmstateDecoder(ByteBuffer buf, long base, String source, SectionRef section, long eventOffset) {
        this.buf = buf;
        this.base = base;
        this.source = source;
        this.section = section;
        this.eventOffset = eventOffset;
    }

    /**
     * Decodes one vmsd object ({@code fields}, optional {@code subsections}) from {@code payload},
     * advancing its position past the bytes used.
     *
     * @param baseOffset absolute stream offset of {@code payload}'s index 0, for offsets and errors
     * @param section    the section being decoded (for errors), or null (configuration)
     * @param eventOffset where the enclosing record starts (for errors)
     * @throws MigrationFormatException if the payload does not fit the description
     */
    public static VmValue.Struct decode(JsonNode vmsd, ByteBuffer payload, long baseOffset, String source,
                                        SectionRef section, long eventOffset) throws MigrationFormatException {
        return new VmstateDecoder(payload, baseOffset, source, section, eventOffset).struct("struct", vmsd);
    }

    /** QEMU's meaning of a VMStateInfo name (migration/vmstate-types.c, savevm.c). */
    static Kind kindOf(String type) {
        switch (type) {
            case "bool":
                return Kind.BOOL;
            case "int8": case "int16": case "int32": case "int64": case "int32 equal": case "int32 le":
            case "timer":
                return Kind.SIGNED;
            case "uint8": case "uint16": case "uint32": case "uint64": case "uint8 equal": case "uint16 equal":
            case "uint32 equal": case "int64 equal": // "int64 equal" is vmstate_info_uint64_equal's name
                return Kind.UNSIGNED;
            case "float64":
                return Kind.FLOAT64;
            case "nullptr":
                return Kind.NULLPTR;
            case "capability":
                return Kind.CAPABILITY;
            case "struct":
                return Kind.STRUCT;
            default:
                return Kind.BYTES;
        }
    }

    private VmValue.Struct struct(String type, JsonNode vmsd) throws MigrationFormatException {
        if (++depth > MAX_DEPTH) {
            throw fail(Reason.LIMIT_EXCEEDED, "vmstate nested deeper than %d levels", MAX_DEPTH);
        }
        JsonNode fields = vmsd.get("fields");
        if (fields == null || !fields.isArray()) {
            throw fail(Reason.CORRUPT, "VMDESCRIPTION object '%s' has no fields", vmsd.path("vmsd_name").asText(""));
        }
        List<VmValue.Field> out = new ArrayList<>(fields.size());
        for (JsonNode f : fields) {
            out.add(field(f));
        }
        List<VmValue.Subsection> subs = new ArrayList<>();
        for (JsonNode s : vmsd.path("subsections")) {
            subs.add(subsection(s));
        }
        depth--;
        return new VmValue.Struct(type, vmsd.path("vmsd_name").asText(""), vmsd.path("version").asLong(0), out, subs);
    }

    private VmValue.Field field(JsonNode f) throws MigrationFormatException {
        String name = f.path("name").asText("");
        String type = f.path("type").isTextual() ? f.get("type").asText() : "unknown";
        Kind kind = kindOf(type);
        JsonNode sizeNode = f.get("size");
        long size = sizeNode != null && sizeNode.canConvertToLong() ? sizeNode.asLong() : -1;
        if (size < 0 && kind != Kind.CAPABILITY) {
            throw fail(Reason.CORRUPT, "VMDESCRIPTION field '%s' has no size", name);
        }
        long arrayLen = f.has("array_len") ? f.get("array_len").asLong(-1) : -1;
        long index = f.has("index") ? f.get("index").asLong(-1) : -1;
        long n = f.has("array_len") ? Math.max(arrayLen, 0) : 1;
        if (n > MAX_ELEMENTS || (kind != Kind.STRUCT && kind != Kind.CAPABILITY && n * size > buf.remaining())) {
            throw fail(Reason.CORRUPT, "field '%s': %d elements of %d bytes do not fit the %d bytes left",
                    name, n, size, buf.remaining());
        }
        long offset = base + buf.position();
        List<VmValue> elements = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            elements.add(element(f, name, type, kind, size));
        }
        return new VmValue.Field(name, type, size, index, arrayLen, offset, elements);
    }

    private VmValue element(JsonNode f, String name, String type, Kind kind, long size) throws MigrationFormatException {
        switch (kind) {
            case STRUCT: {
                JsonNode body = f.get("struct");
                if (body == null || !body.isObject()) {
                    throw fail(Reason.CORRUPT, "struct field '%s' has no struct description", name);
                }
                int start = buf.position();
                VmValue.Struct s = struct(type, body);
                if (buf.position() - start != size) {
                    throw new MigrationFormatException(Reason.CORRUPT, source, base + start, eventOffset, section,
                            String.format("struct field '%s' holds %d bytes, but the VMDESCRIPTION says %d",
                                    name, buf.position() - start, size));
                }
                return s;
            }
            case CAPABILITY: {
                need(1, name);
                int len = buf.get(buf.position()) & 0xff;
                return new VmValue.Capability(type, take(1 + len, name));
            }
            default:
                break;
        }
        ByteBuffer raw = take(size, name);
        switch (kind) {
            case SIGNED:
                return new VmValue.Int(type, raw, true);
            case UNSIGNED:
                return new VmValue.Int(type, raw, false);
            case BOOL:
                return new VmValue.Bool(type, raw);
            case FLOAT64:
                return size == 8 ? new VmValue.Float64(type, raw) : new VmValue.Bytes(type, raw, null);
            case NULLPTR:
                if (size != 1 || raw.get(0) != NULLPTR_MARKER) {
                    throw new MigrationFormatException(Reason.CORRUPT, source, base + buf.position() - size,
                            eventOffset, section, "field '" + name + "': NULL pointer marker is not the byte 0x30");
                }
                return new VmValue.NullPtr(type, raw);
            default:
                return new VmValue.Bytes(type, raw, inline(f, raw, base + buf.position() - size));
        }
    }

    /** The nested description of a tmp/vstruct field, if it decodes exactly its bytes. */
    private VmValue.Struct inline(JsonNode f, ByteBuffer raw, long at) {
        if (!f.path("fields").isArray() || depth >= MAX_DEPTH) {
            return null;
        }
        ByteBuffer b = raw.duplicate();
        VmstateDecoder d = new VmstateDecoder(b, at, source, section, eventOffset);
        d.depth = depth;
        try {
            VmValue.Struct s = d.struct(f.path("type").asText(""), f);
            return b.hasRemaining() ? null : s;
        } catch (MigrationFormatException e) {
            return null;
        }
    }

    private VmValue.Subsection subsection(JsonNode s) throws MigrationFormatException {
        String expected = s.path("vmsd_name").asText("");
        long at = base + buf.position();
        need(1, expected);
        int marker = buf.get() & 0xff;
        if (marker != SUBSECTION) {
            throw new MigrationFormatException(Reason.CORRUPT, source, at, eventOffset, section,
                    String.format("subsection '%s' expected (0x05), found 0x%02x", expected, marker));
        }
        need(1, expected);
        int len = buf.get() & 0xff;
        ByteBuffer nameBytes = take(len, expected);
        String name = StandardCharsets.UTF_8.decode(nameBytes).toString();
        need(4, expected);
        long version = Integer.toUnsignedLong(buf.getInt());
        return new VmValue.Subsection(name, version, at, struct("subsection", s));
    }

    private ByteBuffer take(long n, String field) throws MigrationFormatException {
        need(n, field);
        ByteBuffer b = buf.slice();
        b.limit((int) n);
        buf.position(buf.position() + (int) n);
        return b;
    }

    private void need(long n, String field) throws MigrationFormatException {
        if (n > buf.remaining()) {
            throw new MigrationFormatException(Reason.CORRUPT, source, base + buf.limit(), eventOffset, section,
                    String.format("section ends inside '%s': %d bytes needed, %d left", field, n, buf.remaining()));
        }
    }

    private MigrationFormatException fail(Reason reason, String format, Object... args) {
        return new MigrationFormatException(reason, source, base + buf.position(), eventOffset, section,
                String.format(format, args));
    }
}
