package io.github.qmig.codec.vmdesc;

/**
 * One field of a {@link Vmsd} (migration/vmstate.c {@code vmsd_desc_field_start},
 * {@code vmsd_desc_field_end}): its name, its VMStateInfo type name ({@code uint32}, {@code buffer},
 * {@code struct}, {@code capability}, ...), and {@code size}, the bytes one element actually
 * produced, nested structs and their subsections included. {@code array_len} appears when the
 * entry stands for several equal elements.
 *
 * @param name     {@code name}, or "" if absent
 * @param type     {@code type}, or null if absent or not a string
 * @param size     {@code size} of one element, or -1 if absent or not an integer
 * @param arrayLen {@code array_len}, or -1 if absent; {@link #ARRAY_LEN_INVALID} if not a
 *                 non-negative integer
 * @param index    {@code index} (the field's position among fields of the same name), or -1
 * @param struct   {@code struct}: the element type of a struct field, or null
 * @param inline   the description nested in the field object itself (a {@code tmp} or
 *                 {@code vstruct} field carries {@code vmsd_name}, {@code fields} ...), or null
 * @param form     how it looked in the JSON
 */
public record VmsdField(String name, String type, long size, long arrayLen, long index, Vmsd struct, Vmsd inline,
                        JsonForm form) {

    /** {@link #arrayLen()} of a field whose {@code array_len} is there but unusable. */
    public static final long ARRAY_LEN_INVALID = -2;

    /** Elements on the wire: {@code array_len} if present, else 1; -1 if unusable. */
    public long count() {
        if (arrayLen == -1) {
            return 1;
        }
        return arrayLen < 0 ? -1 : arrayLen;
    }

    /** Bytes on the wire: size times count, or -1 if either is unknown. */
    public long wireLength() {
        return size < 0 ? -1 : Sizes.multiply(size, count());
    }
}
