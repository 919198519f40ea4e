package io.github.qmig.inspect.validate;

import io.github.qmig.codec.MigrationFormatException;

/**
 * Every problem {@code qmig validate} reports, with its stable id and default severity. The ids
 * are a contract (CI scripts match on them): never rename one; add new ones. docs/validate.md
 * describes each. A problem that stops the reader is the reader's own
 * {@link MigrationFormatException.Code}, with the same id: those constants are derived from it.
 */
public enum ProblemCode {
    // reading: one of these ends validation of the file (the reader's MigrationFormatException)
    TRUNCATED(MigrationFormatException.Code.TRUNCATED),
    BAD_MAGIC(MigrationFormatException.Code.BAD_MAGIC),
    UNSUPPORTED_VERSION(MigrationFormatException.Code.UNSUPPORTED_VERSION),
    LIMIT_EXCEEDED(MigrationFormatException.Code.LIMIT_EXCEEDED),
    CORRUPT(MigrationFormatException.Code.CORRUPT),
    RECORD_TYPE_INVALID(MigrationFormatException.Code.RECORD_TYPE_INVALID),
    /** Bytes after EOF or after the VMDESCRIPTION: QEMU never reads them. */
    TRAILING_DATA(MigrationFormatException.Code.TRAILING_DATA, Severity.WARNING),
    COMPRESSED_DATA_INVALID(MigrationFormatException.Code.COMPRESSED_DATA_INVALID),
    UNSUPPORTED_COMPRESSION(MigrationFormatException.Code.UNSUPPORTED_COMPRESSION),
    IO_ERROR("io-error", Severity.ERROR),
    INTERNAL_ERROR("internal-error", Severity.ERROR),
    // sections and footers
    SECTION_NOT_STARTED(MigrationFormatException.Code.SECTION_NOT_STARTED),
    SECTION_STARTED_TWICE("section-started-twice", Severity.ERROR),
    SECTION_ID_CONFLICT("section-id-conflict", Severity.ERROR),
    SECTION_DUPLICATE("section-duplicate", Severity.WARNING),
    SECTION_NOT_ENDED("section-not-ended", Severity.ERROR),
    SECTION_UNKNOWN("section-unknown", Severity.ERROR),
    SECTION_IDSTR_INVALID("section-idstr-invalid", Severity.ERROR),
    SECTION_VERSION_UNUSUAL("section-version-unusual", Severity.WARNING),
    BACKGROUND_SNAPSHOT("background-snapshot", Severity.INFO),
    FOOTER_MISSING(MigrationFormatException.Code.FOOTER_MISSING),
    FOOTER_MISMATCH(MigrationFormatException.Code.FOOTER_MISMATCH),
    FOOTERS_ABSENT("footers-absent", Severity.WARNING),
    // configuration and commands
    CONFIGURATION_MISSING("configuration-missing", Severity.WARNING),
    LEGACY_MACHINE("legacy-machine", Severity.INFO),
    CONFIGURATION_INVALID("configuration-invalid", Severity.ERROR),
    CAPABILITY_UNKNOWN("capability-unknown", Severity.WARNING),
    COMMAND_INVALID(MigrationFormatException.Code.COMMAND_INVALID),
    COMMAND_NEEDS_RETURN_PATH("command-needs-return-path", Severity.INFO),
    // VMDESCRIPTION
    VMDESC_MISSING("vmdesc-missing", Severity.INFO),
    VMDESC_INVALID(MigrationFormatException.Code.VMDESC_INVALID),
    VMDESC_CUT("vmdesc-cut", Severity.WARNING),
    VMDESC_UNREAD("vmdesc-unread", Severity.WARNING),
    VMDESC_DEVICE_COUNT("vmdesc-device-count", Severity.ERROR),
    VMDESC_DEVICE_MISMATCH("vmdesc-device-mismatch", Severity.ERROR),
    VMDESC_VERSION_MISMATCH("vmdesc-version-mismatch", Severity.ERROR),
    VMDESC_SIZE_MISMATCH("vmdesc-size-mismatch", Severity.WARNING),
    VMDESC_PAGE_SIZE_MISMATCH("vmdesc-page-size-mismatch", Severity.ERROR),
    VMDESC_CONFIGURATION_MISMATCH("vmdesc-configuration-mismatch", Severity.WARNING),
    // RAM
    RAM_ABSENT(MigrationFormatException.Code.RAM_ABSENT, Severity.INFO),
    RAM_SIZE_MISMATCH(MigrationFormatException.Code.RAM_SIZE_MISMATCH),
    RAM_BLOCK_LIST_REPEATED("ram-block-list-repeated", Severity.WARNING),
    RAM_BLOCK_NAME_INVALID(MigrationFormatException.Code.RAM_BLOCK_NAME_INVALID),
    RAM_BLOCK_UNKNOWN(MigrationFormatException.Code.RAM_BLOCK_UNKNOWN),
    RAM_BLOCK_IGNORED("ram-block-ignored", Severity.INFO),
    RAM_PAGE_OUTSIDE_BLOCK(MigrationFormatException.Code.RAM_PAGE_OUTSIDE_BLOCK),
    RAM_PAGE_MISSING("ram-page-missing", Severity.ERROR),
    RAM_COVERAGE_SKIPPED("ram-coverage-skipped", Severity.INFO),
    RAM_ZERO_FILL("ram-zero-fill", Severity.ERROR),
    RAM_XBZRLE_INVALID(MigrationFormatException.Code.RAM_XBZRLE_INVALID),
    RAM_ZLIB_INVALID(MigrationFormatException.Code.RAM_ZLIB_INVALID),
    RAM_COMPRESS_PAGE_OBSOLETE("ram-compress-page-obsolete", Severity.WARNING),
    RAM_FLAGS_INVALID(MigrationFormatException.Code.RAM_FLAGS_INVALID),
    // mapped-ram
    MAPPED_RAM_VERSION(MigrationFormatException.Code.MAPPED_RAM_VERSION),
    /** A mapped-ram header's page_size that is not the stream's: QEMU ignores the field. */
    MAPPED_RAM_PAGE_SIZE(MigrationFormatException.Code.MAPPED_RAM_PAGE_SIZE, Severity.WARNING),
    MAPPED_RAM_OFFSET_OUTSIDE_FILE("mapped-ram-offset-outside-file", Severity.ERROR),
    MAPPED_RAM_OFFSET_INVALID(MigrationFormatException.Code.MAPPED_RAM_OFFSET_INVALID),
    MAPPED_RAM_MISALIGNED("mapped-ram-misaligned", Severity.WARNING),
    MAPPED_RAM_BITMAP_OFFSET("mapped-ram-bitmap-offset", Severity.WARNING),
    MAPPED_RAM_OVERLAP("mapped-ram-overlap", Severity.ERROR),
    MAPPED_RAM_BITMAP_EXCESS("mapped-ram-bitmap-excess", Severity.ERROR),
    MAPPED_RAM_CAPABILITY_MISSING("mapped-ram-capability-missing", Severity.ERROR),
    // wrappers
    LIBVIRT_SAVE_INCOMPLETE("libvirt-save-incomplete", Severity.ERROR),
    QCOW2_UNSUPPORTED(MigrationFormatException.Code.QCOW2_UNSUPPORTED),
    QCOW2_HEADER_INVALID(MigrationFormatException.Code.QCOW2_HEADER_INVALID),
    QCOW2_SNAPSHOT_TABLE_INVALID(MigrationFormatException.Code.QCOW2_SNAPSHOT_TABLE_INVALID),
    QCOW2_CLUSTER_INVALID(MigrationFormatException.Code.QCOW2_CLUSTER_INVALID),
    QCOW2_SNAPSHOT_UNAVAILABLE(MigrationFormatException.Code.QCOW2_SNAPSHOT_UNAVAILABLE),
    INCREMENT("increment", Severity.INFO),
    INCREMENT_DAMAGED(MigrationFormatException.Code.INCREMENT_DAMAGED),
    INCREMENT_BASE_MISMATCH(MigrationFormatException.Code.INCREMENT_BASE_MISMATCH);

    private final String id;
    private final Severity severity;
    private final MigrationFormatException.Code reader;

    ProblemCode(String id, Severity severity) {
        this.id = id;
        this.severity = severity;
        this.reader = null;
    }

    /** The problem of a reader's error: its code's id, an error. */
    ProblemCode(MigrationFormatException.Code reader) {
        this(reader, Severity.ERROR);
    }

    /** The problem of a reader's code, where the reader lets the stream through and validate judges it. */
    ProblemCode(MigrationFormatException.Code reader, Severity severity) {
        this.id = reader.id();
        this.severity = severity;
        this.reader = reader;
    }

    /** The problem code of a reader's error code. */
    public static ProblemCode of(MigrationFormatException.Code code) {
        for (ProblemCode p : values()) {
            if (p.reader == code) {
                return p;
            }
        }
        throw new IllegalStateException("no problem code for " + code); // ProblemCodeTest keeps this unreachable
    }

    /** The stable kebab-case id. */
    public String id() {
        return id;
    }

    /** The severity without {@code --strict}. */
    public Severity severity() {
        return severity;
    }
}
