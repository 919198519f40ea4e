package io.github.qmig.codec;

import java.util.Objects;

/**
 * A section header (migration/savevm.c {@code save_section_header}); the payload follows as body
 * events, then an optional {@link SectionFooter}.
 *
 * <pre>
 * START/FULL: | type u8 | section_id be32 | idlen u8 | idstr | instance_id be32 | version_id be32 |
 * PART/END:   | type u8 | section_id be32 |
 * </pre>
 *
 * For PART and END, {@code section} is the reader's record of the START with the same id; only the
 * id is on the wire.
 */
public record SectionHeader(long offset, SectionType type, SectionRef section) implements MigrationEvent {

    public SectionHeader {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(section, "section");
    }

    public int sectionId() {
        return section.sectionId();
    }

    public String idstr() {
        return section.idstr();
    }

    public int instanceId() {
        return section.instanceId();
    }

    public int version() {
        return section.version();
    }

    /** Bytes this header occupies on the wire. */
    public int wireLength() {
        return type.hasFullHeader() ? 1 + 4 + 1 + idstr().length() + 4 + 4 : 5;
    }
}
