package io.github.qmig.codec;

import java.io.IOException;
import java.util.Objects;

/**
 * The one exception for input that is not a valid migration stream: it names the input, the byte
 * offset of the offending byte, the event it belongs to and, when known, the section.
 *
 * <p>Message form (built only here):
 * <pre>
 * vm.mig: unknown RAM page flags 0x400 at byte 0x1a2b3c in section 'ram' instance 0 (id 2, started at 0x1b)
 * </pre>
 */
public final class MigrationFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why the input was rejected, for callers that branch on the cause. */
    public enum Reason {
        /** The input ended inside a record, or before EOF. */
        TRUNCATED,
        /** The file does not start with {@code QEVM}, or a wrapper magic is wrong. */
        BAD_MAGIC,
        /** A version this reader does not read (stream version 2, mapped-ram header version 2, ...). */
        UNSUPPORTED_VERSION,
        /** Bytes that break the format's rules. */
        CORRUPT,
        /** A length or count beyond the configured {@link ReadLimits}. */
        LIMIT_EXCEEDED
    }

    private final Reason reason;
    private final String source;
    private final long offset;
    private final long eventOffset;
    private final transient SectionRef section;
    private final String detail;

    public MigrationFormatException(Reason reason, String source, long offset, long eventOffset,
                                    SectionRef section, String detail) {
        super(format(source, offset, section, detail));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.source = source;
        this.offset = offset;
        this.eventOffset = eventOffset;
        this.section = section;
        this.detail = detail;
    }

    private static String format(String source, long offset, SectionRef section, String detail) {
        StringBuilder sb = new StringBuilder();
        if (source != null) {
            sb.append(source).append(": ");
        }
        sb.append(detail).append(String.format(" at byte 0x%x", offset));
        if (section != null) {
            sb.append(" in section ").append(section.describe());
        }
        return sb.toString();
    }

    public Reason reason() {
        return reason;
    }

    /** The input's name: a file name, {@code <stdin>}, or a description of the wrapper. */
    public String source() {
        return source;
    }

    /** Absolute offset of the offending byte (for {@link Reason#TRUNCATED}: where the bytes ran out). */
    public long offset() {
        return offset;
    }

    /** Absolute offset where the enclosing event started, or -1. */
    public long eventOffset() {
        return eventOffset;
    }

    /** The section being read, or null outside sections. */
    public SectionRef section() {
        return section;
    }

    /** The message without source, offset and section. */
    public String detail() {
        return detail;
    }
}
