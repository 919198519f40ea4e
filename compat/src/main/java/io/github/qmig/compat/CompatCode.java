package io.github.qmig.compat;

/**
 * The problems {@code qmig compat} reports, one constant each. The {@link #id()}s are a contract
 * (scripts match on them; docs/compat.md lists them): never renamed, never reused for another
 * meaning. Each error names the refusal QEMU makes, in the order QEMU's loader meets it.
 */
public enum CompatCode {
    FILE_INVALID("file-invalid", Severity.ERROR),
    MACHINE_UNKNOWN("machine-unknown", Severity.ERROR),
    MACHINE_UNCHECKED("machine-unchecked", Severity.INFO),
    MACHINE_DEPRECATED("machine-deprecated", Severity.WARNING),
    TARGET_START_FAILED("target-start-failed", Severity.ERROR),
    CAPABILITY_UNSUPPORTED("capability-unsupported", Severity.ERROR),
    CONFIGURATION_MISSING("configuration-missing", Severity.ERROR),
    CONFIGURATION_UNEXPECTED("configuration-unexpected", Severity.ERROR),
    CONFIGURATION_UNCHECKED("configuration-unchecked", Severity.INFO),
    MACHINE_MISMATCH("machine-mismatch", Severity.ERROR),
    MACHINE_NOT_COMPARED("machine-not-compared", Severity.INFO),
    PAGE_BITS_MISMATCH("page-bits-mismatch", Severity.ERROR),
    CAPABILITY_UNKNOWN("capability-unknown", Severity.ERROR),
    CAPABILITY_MISMATCH("capability-mismatch", Severity.ERROR),
    RAM_BLOCK_UNKNOWN("ram-block-unknown", Severity.ERROR),
    RAM_BLOCK_UNMIGRATABLE("ram-block-unmigratable", Severity.ERROR),
    RAM_BLOCK_SIZE("ram-block-size", Severity.ERROR),
    RAM_BLOCKS_UNCHECKED("ram-blocks-unchecked", Severity.INFO),
    FOOTER_MISSING("footer-missing", Severity.ERROR),
    FOOTER_UNEXPECTED("footer-unexpected", Severity.ERROR),
    FOOTERS_UNCHECKED("footers-unchecked", Severity.INFO),
    RAM_RECORD_UNSUPPORTED("ram-record-unsupported", Severity.ERROR),
    COMMAND_UNSUPPORTED("command-unsupported", Severity.ERROR),
    SECTION_UNKNOWN("section-unknown", Severity.ERROR),
    SECTIONS_UNCHECKED("sections-unchecked", Severity.INFO),
    SECTION_VERSION_TOO_NEW("section-version-too-new", Severity.ERROR),
    SECTION_VERSION_TOO_OLD("section-version-too-old", Severity.ERROR),
    SUBSECTION_UNKNOWN("subsection-unknown", Severity.ERROR),
    SUBSECTION_VERSION("subsection-version", Severity.ERROR),
    FIELD_LAYOUT_MISMATCH("field-layout-mismatch", Severity.ERROR),
    FIELDS_UNCHECKED("fields-unchecked", Severity.INFO);

    private final String id;
    private final Severity severity;

    CompatCode(String id, Severity severity) {
        this.id = id;
        this.severity = severity;
    }

    /** The stable kebab-case id. */
    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }
}
