package io.github.qmig.tools.validate;

/**
 * Every problem {@code qmig validate} reports, with its stable id and default severity. The ids
 * are a contract (CI scripts match on them): never rename one; add new ones. docs/validate.md
 * describes each.
 */
public enum ProblemCode {
    // reading: one of these ends validation of the file (the reader's MigrationFormatException)
    TRUNCATED("truncated", Severity.ERROR),
    BAD_MAGIC("bad-magic", Severity.ERROR),
    UNSUPPORTED_VERSION("unsupported-version", Severity.ERROR),
    LIMIT_EXCEEDED("limit-exceeded", Severity.ERROR),
    CORRUPT("corrupt", Severity.ERROR),
    RECORD_TYPE_INVALID("record-type-invalid", Severity.ERROR),
    TRAILING_DATA("trailing-data", Severity.ERROR),
    COMPRESSED_DATA_INVALID("compressed-data-invalid", Severity.ERROR),
    IO_ERROR("io-error", Severity.ERROR),
    INTERNAL_ERROR("internal-error", Severity.ERROR),
    // sections and footers
    SECTION_NOT_STARTED("section-not-started", Severity.ERROR),
    SECTION_STARTED_TWICE("section-started-twice", Severity.ERROR),
    SECTION_ID_CONFLICT("section-id-conflict", Severity.ERROR),
    SECTION_DUPLICATE("section-duplicate", Severity.WARNING),
    SECTION_NOT_ENDED("section-not-ended", Severity.ERROR),
    SECTION_IDSTR_INVALID("section-idstr-invalid", Severity.ERROR),
    SECTION_VERSION_UNUSUAL("section-version-unusual", Severity.WARNING),
    BACKGROUND_SNAPSHOT("background-snapshot", Severity.INFO),
    FOOTER_MISSING("footer-missing", Severity.ERROR),
    FOOTER_MISMATCH("footer-mismatch", Severity.ERROR),
    FOOTERS_ABSENT("footers-absent", Severity.WARNING),
    // configuration and commands
    CONFIGURATION_MISSING("configuration-missing", Severity.WARNING),
    CONFIGURATION_INVALID("configuration-invalid", Severity.ERROR),
    CAPABILITY_UNKNOWN("capability-unknown", Severity.WARNING),
    COMMAND_INVALID("command-invalid", Severity.ERROR),
    COMMAND_NEEDS_RETURN_PATH("command-needs-return-path", Severity.INFO),
    // VMDESCRIPTION
    VMDESC_MISSING("vmdesc-missing", Severity.INFO),
    VMDESC_INVALID("vmdesc-invalid", Severity.ERROR),
    VMDESC_DEVICE_COUNT("vmdesc-device-count", Severity.ERROR),
    VMDESC_DEVICE_MISMATCH("vmdesc-device-mismatch", Severity.ERROR),
    VMDESC_VERSION_MISMATCH("vmdesc-version-mismatch", Severity.ERROR),
    VMDESC_SIZE_MISMATCH("vmdesc-size-mismatch", Severity.WARNING),
    VMDESC_PAGE_SIZE_MISMATCH("vmdesc-page-size-mismatch", Severity.ERROR),
    VMDESC_CONFIGURATION_MISMATCH("vmdesc-configuration-mismatch", Severity.WARNING),
    // RAM
    RAM_ABSENT("ram-absent", Severity.INFO),
    RAM_SIZE_MISMATCH("ram-size-mismatch", Severity.ERROR),
    RAM_BLOCK_LIST_REPEATED("ram-block-list-repeated", Severity.WARNING),
    RAM_BLOCK_NAME_INVALID("ram-block-name-invalid", Severity.ERROR),
    RAM_BLOCK_UNKNOWN("ram-block-unknown", Severity.ERROR),
    RAM_BLOCK_IGNORED("ram-block-ignored", Severity.INFO),
    RAM_PAGE_OUTSIDE_BLOCK("ram-page-outside-block", Severity.ERROR),
    RAM_PAGE_MISSING("ram-page-missing", Severity.ERROR),
    RAM_COVERAGE_SKIPPED("ram-coverage-skipped", Severity.INFO),
    RAM_ZERO_FILL("ram-zero-fill", Severity.ERROR),
    RAM_XBZRLE_INVALID("ram-xbzrle-invalid", Severity.ERROR),
    RAM_ZLIB_INVALID("ram-zlib-invalid", Severity.ERROR),
    RAM_COMPRESS_PAGE_OBSOLETE("ram-compress-page-obsolete", Severity.WARNING),
    RAM_FLAGS_INVALID("ram-flags-invalid", Severity.ERROR),
    // mapped-ram
    MAPPED_RAM_VERSION("mapped-ram-version", Severity.ERROR),
    MAPPED_RAM_PAGE_SIZE("mapped-ram-page-size", Severity.ERROR),
    MAPPED_RAM_OFFSET_OUTSIDE_FILE("mapped-ram-offset-outside-file", Severity.ERROR),
    MAPPED_RAM_OFFSET_INVALID("mapped-ram-offset-invalid", Severity.ERROR),
    MAPPED_RAM_MISALIGNED("mapped-ram-misaligned", Severity.WARNING),
    MAPPED_RAM_BITMAP_OFFSET("mapped-ram-bitmap-offset", Severity.WARNING),
    MAPPED_RAM_OVERLAP("mapped-ram-overlap", Severity.ERROR),
    MAPPED_RAM_BITMAP_EXCESS("mapped-ram-bitmap-excess", Severity.ERROR),
    MAPPED_RAM_CAPABILITY_MISSING("mapped-ram-capability-missing", Severity.ERROR),
    // wrappers
    LIBVIRT_SAVE_INCOMPLETE("libvirt-save-incomplete", Severity.ERROR);

    private final String id;
    private final Severity severity;

    ProblemCode(String id, Severity severity) {
        this.id = id;
        this.severity = severity;
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
