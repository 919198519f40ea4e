package io.github.qmig.codec;

import java.util.Objects;

/**
 * Identifies a section of the stream in errors and reports: the section id from its header, the
 * idstr and instance from its START/FULL header, and where that header started.
 *
 * @param sectionId   the be32 section id ({@code save_section_header} in migration/savevm.c)
 * @param idstr       the section's idstr, e.g. {@code ram} or {@code 0000:00:01.1/ide}
 * @param instanceId  the instance id
 * @param version     the section version from the START/FULL header
 * @param startOffset absolute offset of the START/FULL header's type byte
 */
public record SectionRef(int sectionId, String idstr, int instanceId, int version, long startOffset) {

    public SectionRef {
        Objects.requireNonNull(idstr, "idstr");
    }

    /** {@code 'ram' instance 0 (id 2, started at 0x1b)}, the form used in every message. */
    public String describe() {
        return String.format("'%s' instance %d (id %d, started at 0x%x)",
                idstr, Integer.toUnsignedLong(instanceId), Integer.toUnsignedLong(sectionId), startOffset);
    }

    @Override
    public String toString() {
        return describe();
    }
}
