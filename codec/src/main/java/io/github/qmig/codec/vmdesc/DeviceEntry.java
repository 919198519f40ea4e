package io.github.qmig.codec.vmdesc;

/**
 * One entry of the VMDESCRIPTION's {@code devices}: the k-th entry describes the k-th FULL section
 * of the stream (migration/savevm.c {@code qemu_savevm_state_complete_precopy_non_iterable}).
 * A vmstate device's entry is its {@code name} and {@code instance_id} plus the keys of its
 * {@link Vmsd}; an old-style device (no vmstate, e.g. s390x {@code todclock}) has a {@code size}
 * and one {@code data} field instead.
 *
 * @param name       {@code name}, the section idstr as UTF-8 text, or "" if absent
 * @param instanceId {@code instance_id}, or -1 if absent
 * @param size       {@code size} (old-style entries), or -1
 * @param vmsd       the device's description
 * @param form       how it looked in the JSON
 */
public record DeviceEntry(String name, long instanceId, long size, Vmsd vmsd, JsonForm form) {

    /** The section payload's length, or -1 if the JSON does not give it. */
    public long payloadLength() {
        return vmsd.wireLength();
    }

    /** {@code version}, or -1 (old-style entries have none). */
    public long version() {
        return vmsd.version();
    }
}
