package io.github.qmig.codec;

import java.io.IOException;
import java.util.Objects;

/**
 * The one exception for input that is not a valid migration stream: it carries a {@link Code}, the
 * input's name, the byte offset of the offending byte, the record it belongs to and, when known,
 * the section.
 *
 * <p>Message form (built only here):
 * <pre>
 * vm.mig: unknown RAM page flags 0x400 at byte 0x1a2b3c in section 'ram' instance 0 (id 2, started at 0x1b)
 * </pre>
 *
 * <p>Code that reads bytes deep inside the data path (a buffer, a body codec, a consumer of events)
 * throws with {@link #of} and knows neither the input's name nor the section; the reader, which
 * knows both, adds them with {@link #inContext} before the exception leaves it.
 */
public final class MigrationFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The broad class of a {@link Code}, for callers that only tell truncation from corruption. */
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

    /**
     * What exactly is wrong, one constant per kind of problem a reader can find. The {@link #id()}s
     * are a contract: {@code qmig validate} reports them as problem codes and scripts match on them,
     * so they are never renamed, and every site that rejects input names its code (no code is ever
     * inferred from a message).
     */
    public enum Code {
        TRUNCATED("truncated", Reason.TRUNCATED),
        BAD_MAGIC("bad-magic", Reason.BAD_MAGIC),
        UNSUPPORTED_VERSION("unsupported-version", Reason.UNSUPPORTED_VERSION),
        LIMIT_EXCEEDED("limit-exceeded", Reason.LIMIT_EXCEEDED),
        /** Breaks the format's rules in a way no finer code names. */
        CORRUPT("corrupt", Reason.CORRUPT),
        /** A record type byte that cannot stand where it stands. */
        RECORD_TYPE_INVALID("record-type-invalid", Reason.CORRUPT),
        /** Bytes after the end of the stream (EOF, VMDESCRIPTION). */
        TRAILING_DATA("trailing-data", Reason.CORRUPT),
        /** gzip, bzip2, xz, lzop or zstd data that does not decompress. */
        COMPRESSED_DATA_INVALID("compressed-data-invalid", Reason.CORRUPT),
        /** A compression qmig does not read (a libvirt image format it does not know). */
        UNSUPPORTED_COMPRESSION("unsupported-compression", Reason.UNSUPPORTED_VERSION),
        SECTION_NOT_STARTED("section-not-started", Reason.CORRUPT),
        FOOTER_MISSING("footer-missing", Reason.CORRUPT),
        FOOTER_MISMATCH("footer-mismatch", Reason.CORRUPT),
        COMMAND_INVALID("command-invalid", Reason.CORRUPT),
        /** The VMDESCRIPTION JSON is malformed or does not describe the stream. */
        VMDESC_INVALID("vmdesc-invalid", Reason.CORRUPT),
        /** A stream without RAM where RAM is needed (device state only, or a damaged RAM section). */
        RAM_ABSENT("ram-absent", Reason.CORRUPT),
        RAM_SIZE_MISMATCH("ram-size-mismatch", Reason.CORRUPT),
        RAM_BLOCK_NAME_INVALID("ram-block-name-invalid", Reason.CORRUPT),
        RAM_BLOCK_UNKNOWN("ram-block-unknown", Reason.CORRUPT),
        RAM_PAGE_OUTSIDE_BLOCK("ram-page-outside-block", Reason.CORRUPT),
        RAM_XBZRLE_INVALID("ram-xbzrle-invalid", Reason.CORRUPT),
        RAM_ZLIB_INVALID("ram-zlib-invalid", Reason.CORRUPT),
        RAM_FLAGS_INVALID("ram-flags-invalid", Reason.CORRUPT),
        MAPPED_RAM_VERSION("mapped-ram-version", Reason.UNSUPPORTED_VERSION),
        MAPPED_RAM_PAGE_SIZE("mapped-ram-page-size", Reason.CORRUPT),
        MAPPED_RAM_OFFSET_INVALID("mapped-ram-offset-invalid", Reason.CORRUPT),
        /** A qcow2 image this reader refuses: version, feature bits, encryption, external data file. */
        QCOW2_UNSUPPORTED("qcow2-unsupported", Reason.UNSUPPORTED_VERSION),
        /** A qcow2 header field out of its range (cluster size, header length, compression type, ...). */
        QCOW2_HEADER_INVALID("qcow2-header-invalid", Reason.CORRUPT),
        /** A qcow2 snapshot table entry that breaks the format (extra data, VM state past its L1 table, ...). */
        QCOW2_SNAPSHOT_TABLE_INVALID("qcow2-snapshot-table-invalid", Reason.CORRUPT),
        /** A qcow2 L1 or L2 entry of a VM state that breaks the format, or a compressed cluster that does not decode. */
        QCOW2_CLUSTER_INVALID("qcow2-cluster-invalid", Reason.CORRUPT),
        /**
         * No VM state to read in a qcow2 image: no snapshot chosen, none with that ID or name, a name
         * several snapshots share, a disk-only snapshot, or a snapshot asked of a file that is no image.
         */
        QCOW2_SNAPSHOT_UNAVAILABLE("qcow2-snapshot-unavailable", Reason.BAD_MAGIC),
        /** A qmig increment whose header checksum or stream digest does not match its bytes. */
        INCREMENT_DAMAGED("increment-damaged", Reason.CORRUPT),
        /**
         * An increment applied to a state other than its base: the wrong base file, increments in
         * the wrong order, or one missing between them.
         */
        INCREMENT_BASE_MISMATCH("increment-base-mismatch", Reason.CORRUPT);

        private final String id;
        private final Reason reason;

        Code(String id, Reason reason) {
            this.id = id;
            this.reason = reason;
        }

        /** The stable kebab-case id. */
        public String id() {
            return id;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final Code code;
    private final String source;
    private final long offset;
    private final long eventOffset;
    private final transient SectionRef section;
    private final String detail;

    public MigrationFormatException(Code code, String source, long offset, long eventOffset, SectionRef section,
                                    String detail) {
        super(format(source, offset, section, detail));
        this.code = Objects.requireNonNull(code, "code");
        this.source = source;
        this.offset = offset;
        this.eventOffset = eventOffset;
        this.section = section;
        this.detail = detail;
    }

    /**
     * An error at {@code offset} whose input, record and section the reader fills in
     * ({@link #inContext}); the detail is {@code format} with {@code args}, if any.
     */
    public static MigrationFormatException of(Code code, long offset, String format, Object... args) {
        return new MigrationFormatException(code, null, offset, -1, null,
                args.length == 0 ? format : String.format(format, args));
    }

    /**
     * This error with what it lacks taken from the reader's position: the input's name, the section
     * being read and the offset of the record it is in. What it has is kept; if it lacks nothing, it
     * is returned itself.
     */
    public MigrationFormatException inContext(String source, SectionRef section, long eventOffset) {
        if ((this.source != null || source == null) && (this.section != null || section == null)
                && (this.eventOffset >= 0 || eventOffset < 0)) {
            return this;
        }
        MigrationFormatException e = new MigrationFormatException(code, this.source != null ? this.source : source,
                offset, this.eventOffset >= 0 ? this.eventOffset : eventOffset,
                this.section != null ? this.section : section, detail);
        e.initCause(getCause());
        e.setStackTrace(getStackTrace());
        for (Throwable s : getSuppressed()) {
            e.addSuppressed(s);
        }
        return e;
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

    public Code code() {
        return code;
    }

    public Reason reason() {
        return code.reason();
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
