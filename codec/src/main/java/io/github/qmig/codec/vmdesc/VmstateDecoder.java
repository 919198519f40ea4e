package io.github.qmig.codec.vmdesc;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.SectionRef;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a vmstate payload with its {@link Vmsd} from the file's VMDESCRIPTION (section 5 of
 * docs/qemu-migration-format.md): the fields in order, then the listed subsections. Every reader
 * of device state decodes through here ({@code dump}, {@code diff}, {@code core}).
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
    public enum Kind { SIGNED, UNSIGNED, BOOL, FLOAT64, NULLPTR, CAPABILITY, STRUCT, BYTES }

    private static final int NULLPTR_MARKER = 0x30;
    private static final int SUBSECTION = 0x05;

    private final ByteBuffer buf;
    private final long base;
    private final String source;
    private final SectionRef section;
    private final long eventOffset;
    private final ReadLimits limits;
    private int depth;

    private VmstateDecoder(ByteBuffer buf, long base, String source, SectionRef section, long eventOffset,
                           ReadLimits limits) {
        this.buf = buf;
        this.base = base;
        this.source = source;
        this.section = section;
        this.eventOffset = eventOffset;
        this.limits = limits;
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
    public static VmValue.Struct decode(Vmsd vmsd, ByteBuffer payload, long baseOffset, String source,
                                        SectionRef section, long eventOffset) throws MigrationFormatException {
        return decode(vmsd, payload, baseOffset, source, section, eventOffset, ReadLimits.defaults());
    }

    /** As {@link #decode(Vmsd, ByteBuffer, long, String, SectionRef, long)}, nesting and arrays bounded by {@code limits}. */
    public static VmValue.Struct decode(Vmsd vmsd, ByteBuffer payload, long baseOffset, String source,
                                        SectionRef section, long eventOffset, ReadLimits limits)
            throws MigrationFormatException {
        return new VmstateDecoder(payload, baseOffset, source, section, eventOffset, limits).struct("struct", vmsd);
    }

    /** QEMU's meaning of a VMStateInfo name (migration/vmstate-types.c, savevm.c). */
    public static Kind kindOf(String type) {
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

    private VmValue.Struct struct(String type, Vmsd vmsd) throws MigrationFormatException {
        if (++depth > limits.maxVmDescriptionDepth()) {
            throw fail(Code.LIMIT_EXCEEDED, "vmstate nested deeper than %d levels", limits.maxVmDescriptionDepth());
        }
        String name = vmsd.name() == null ? "" : vmsd.name();
        if (vmsd.fields() == null) {
            throw fail(Code.CORRUPT, "VMDESCRIPTION object '%s' has no fields", name);
        }
        List<VmValue.Field> out = new ArrayList<>(vmsd.fields().size());
        for (VmsdField f : vmsd.fields()) {
            out.add(field(f));
        }
        List<VmValue.Subsection> subs = new ArrayList<>();
        for (Vmsd s : vmsd.subsections()) {
            subs.add(subsection(s));
        }
        depth--;
        return new VmValue.Struct(type, name, Math.max(vmsd.version(), 0), out, subs);
    }

    private VmValue.Field field(VmsdField f) throws MigrationFormatException {
        String name = f.name();
        String type = f.type() != null ? f.type() : "unknown";
        Kind kind = kindOf(type);
        long size = f.size();
        if (size < 0 && kind != Kind.CAPABILITY) {
            throw fail(Code.CORRUPT, "VMDESCRIPTION field '%s' has no size", name);
        }
        long n = f.count();
        if (n < 0) {
            throw fail(Code.CORRUPT, "VMDESCRIPTION field '%s' has an array_len that is not a count", name);
        }
        if (n > limits.maxArrayElements() || (kind != Kind.STRUCT && kind != Kind.CAPABILITY && n * size > buf.remaining())) {
            throw fail(Code.CORRUPT, "field '%s': %d elements of %d bytes do not fit the %d bytes left",
                    name, n, size, buf.remaining());
        }
        long offset = base + buf.position();
        List<VmValue> elements = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            elements.add(element(f, name, type, kind, size));
        }
        return new VmValue.Field(name, type, size, f.index(), f.arrayLen(), offset, elements);
    }

    private VmValue element(VmsdField f, String name, String type, Kind kind, long size) throws MigrationFormatException {
        switch (kind) {
            case STRUCT: {
                Vmsd body = f.struct();
                if (body == null || body.form().notAnObject()) {
                    throw fail(Code.CORRUPT, "struct field '%s' has no struct description", name);
                }
                int start = buf.position();
                VmValue.Struct s = struct(type, body);
                if (buf.position() - start != size) {
                    throw new MigrationFormatException(Code.CORRUPT, source, base + start, eventOffset, section,
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
                    throw new MigrationFormatException(Code.CORRUPT, source, base + buf.position() - size,
                            eventOffset, section, "field '" + name + "': NULL pointer marker is not the byte 0x30");
                }
                return new VmValue.NullPtr(type, raw);
            default:
                return new VmValue.Bytes(type, raw, inline(f, raw, base + buf.position() - size));
        }
    }

    /** The nested description of a tmp/vstruct field, if it decodes exactly its bytes. */
    private VmValue.Struct inline(VmsdField f, ByteBuffer raw, long at) {
        if (f.inline() == null || f.inline().fields() == null || depth >= limits.maxVmDescriptionDepth()) {
            return null;
        }
        ByteBuffer b = raw.duplicate();
        VmstateDecoder d = new VmstateDecoder(b, at, source, section, eventOffset, limits);
        d.depth = depth;
        try {
            VmValue.Struct s = d.struct(f.type() == null ? "" : f.type(), f.inline());
            return b.hasRemaining() ? null : s;
        } catch (MigrationFormatException e) {
            return null;
        }
    }

    private VmValue.Subsection subsection(Vmsd s) throws MigrationFormatException {
        String expected = s.name() == null ? "" : s.name();
        long at = base + buf.position();
        need(1, expected);
        int marker = buf.get() & 0xff;
        if (marker != SUBSECTION) {
            throw new MigrationFormatException(Code.CORRUPT, source, at, eventOffset, section,
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
            throw new MigrationFormatException(Code.CORRUPT, source, base + buf.limit(), eventOffset, section,
                    String.format("section ends inside '%s': %d bytes needed, %d left", field, n, buf.remaining()));
        }
    }

    private MigrationFormatException fail(Code code, String format, Object... args) {
        return new MigrationFormatException(code, source, base + buf.position(), eventOffset, section,
                String.format(format, args));
    }
}
