package io.github.qmig.compat.schema;

/**
 * One field of a {@link SchemaVmsd} as {@code -dump-vmstate} prints it (migration/savevm.c
 * {@code dump_vmstate_vmsf}):
 *
 * <pre>
 * { "field": "core.tx", "version_id": 0, "field_exists": false, "num": 2, "size": 32, "Description": {...} }
 * </pre>
 *
 * {@code size} is the C element's {@code sizeof}, not bytes on the wire, and differs between QEMU
 * versions without changing the stream; only the target's VMDESCRIPTION gives wire sizes.
 *
 * @param name        {@code field}
 * @param versionId   {@code version_id}: the target reads the field only from this incoming
 *                    section version on (unless {@code fieldExists})
 * @param fieldExists whether a {@code field_exists} callback on the target decides instead, with
 *                    the target's own property values (migration/vmstate.c {@code vmstate_field_exists})
 * @param num         {@code num} (arrays; QEMU 10 prints it, 7.2 does not), or -1
 * @param size        {@code size}, or -1
 * @param description {@code Description}: the type of a struct field, or null
 */
public record SchemaField(String name, int versionId, boolean fieldExists, int num, long size, SchemaVmsd description) {
}
