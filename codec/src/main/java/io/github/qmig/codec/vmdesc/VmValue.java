package io.github.qmig.codec.vmdesc;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One decoded vmstate value, as {@link VmstateDecoder} reads it from a device payload with the
 * VMDESCRIPTION. Every leaf keeps the bytes it was read from ({@link #raw()}), so a renderer can
 * show them the way it likes (typed, or as analyze-migration.py's hex), and the typed accessors
 * interpret those bytes the way QEMU's {@code VMStateInfo} codecs do (migration/vmstate-types.c).
 *
 * <p>All integers in a vmstate payload are big-endian. The {@code "int32 le"} type is not
 * little-endian: it is {@code vmstate_info_int32_le}, a big-endian int32 that the loader checks to be
 * less than or equal to the destination's value ({@code get_int32_le}); likewise the {@code equal}
 * types only add a load-time check.
 */
public sealed interface VmValue {

    /** The field's type name in the VMDESCRIPTION ({@code "uint32"}, {@code "struct"}, ...). */
    String type();

    /** The bytes of a leaf exactly as in the stream (a read-only view); null for structs. */
    ByteBuffer raw();

    private static ByteBuffer readOnly(ByteBuffer b) {
        return Objects.requireNonNull(b, "raw").asReadOnlyBuffer();
    }

    /**
     * An integer of {@code raw.remaining()} bytes, big-endian ({@code put_int8} ... {@code put_uint64},
     * {@code timer_put} for {@code "timer"}: expiry in ns, -1 = not armed).
     *
     * @param signed whether QEMU's type is signed (two's complement)
     */
    record Int(String type, ByteBuffer raw, boolean signed) implements VmValue {
        public Int {
            raw = readOnly(raw);
        }

        /** The value as QEMU reads it: signed or unsigned by the type. */
        public BigInteger value() {
            return signed ? signedValue() : unsignedValue();
        }

        public BigInteger unsignedValue() {
            return new BigInteger(1, bytes(raw));
        }

        public BigInteger signedValue() {
            byte[] b = bytes(raw);
            return b.length == 0 ? BigInteger.ZERO : new BigInteger(b);
        }

        public int size() {
            return raw.remaining();
        }
    }

    /** A {@code bool}: one byte, 0 = false ({@code put_bool}). */
    record Bool(String type, ByteBuffer raw) implements VmValue {
        public Bool {
            raw = readOnly(raw);
        }

        public boolean value() {
            return raw.hasRemaining() && raw.get(raw.position()) != 0;
        }
    }

    /** A {@code float64}: the IEEE 754 bits as a be64 ({@code put_float64}). */
    record Float64(String type, ByteBuffer raw) implements VmValue {
        public Float64 {
            raw = readOnly(raw);
        }

        public double value() {
            return Double.longBitsToDouble(raw.getLong(raw.position()));
        }
    }

    /**
     * Bytes without a generic meaning: {@code buffer}, {@code unused_buffer}, {@code bitmap}, and
     * device codecs ({@code "pci config"}, {@code virtio}, ...).
     *
     * @param inline for {@code tmp}/{@code vstruct} fields, whose description carries its own
     *               {@code fields} (migration/vmstate-types.c {@code put_tmp}), the decoded
     *               struct when it accounts for exactly these bytes; otherwise null
     */
    record Bytes(String type, ByteBuffer raw, Struct inline) implements VmValue {
        public Bytes {
            raw = readOnly(raw);
        }
    }

    /** A NULL element of an array of pointers: the byte {@code 0x30} ({@code put_nullptr}). */
    record NullPtr(String type, ByteBuffer raw) implements VmValue {
        public NullPtr {
            raw = readOnly(raw);
        }
    }

    /**
     * A migration capability name in the configuration's capabilities subsection: a counted
     * string, {@code u8 len + name} (migration/savevm.c {@code put_capability}).
     */
    record Capability(String type, ByteBuffer raw) implements VmValue {
        public Capability {
            raw = readOnly(raw);
        }

        public String name() {
            ByteBuffer b = raw.duplicate();
            b.get();
            return StandardCharsets.UTF_8.decode(b).toString();
        }
    }

    /**
     * A vmstate descriptor's fields in wire order, then its subsections in wire order
     * (migration/vmstate.c {@code vmstate_save_state_v}, {@code vmstate_subsection_save}).
     */
    record Struct(String type, String vmsdName, long version, List<Field> fields, List<Subsection> subsections)
            implements VmValue {
        public Struct {
            fields = List.copyOf(fields);
            subsections = List.copyOf(subsections);
        }

        @Override
        public ByteBuffer raw() {
            return null;
        }
    }

    /**
     * One field entry of the description with the elements it stands for.
     *
     * @param index    the element index for an array element described on its own ({@code "index"}),
     *                 or -1
     * @param arrayLen the {@code "array_len"} of a compressed array entry, or -1 for a single value
     * @param offset   absolute stream offset of the field's first byte
     */
    record Field(String name, String type, long size, long index, long arrayLen, long offset, List<VmValue> elements) {
        public Field {
            Objects.requireNonNull(name, "name");
            elements = List.copyOf(elements);
        }

        public boolean isArray() {
            return arrayLen >= 0;
        }
    }

    /**
     * A subsection as on the wire: {@code 05 | u8 len | name | be32 version | body}.
     *
     * @param name   the name read from the stream
     * @param offset absolute offset of its {@code 0x05} byte
     */
    record Subsection(String name, long version, long offset, Struct body) {
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
