package io.github.qmig.codec;

import java.util.Objects;

/**
 * Where a section ended, so that no consumer has to work it out: after the payload and the footer
 * (if the stream has footers) of every START, PART, END and FULL section. It has no bytes of its
 * own; {@link MigrationWriter} writes nothing for it.
 *
 * <pre>
 * | header (header.offset()) | payload (payloadOffset, payloadLength bytes) | [7E be32 id] (footerOffset) |
 *                                                                                             ^ offset
 * </pre>
 *
 * @param offset        absolute offset of the first byte after the section (where the next record starts)
 * @param header        the section's header
 * @param payloadOffset absolute offset of the payload's first byte
 * @param payloadLength bytes of payload
 * @param footerOffset  absolute offset of the footer, or -1 without one
 */
public record SectionEnd(long offset, SectionHeader header, long payloadOffset, long payloadLength, long footerOffset)
        implements MigrationEvent {

    public SectionEnd {
        Objects.requireNonNull(header, "header");
    }

    public SectionRef section() {
        return header.section();
    }

    public SectionType type() {
        return header.type();
    }

    public boolean hasFooter() {
        return footerOffset >= 0;
    }
}
