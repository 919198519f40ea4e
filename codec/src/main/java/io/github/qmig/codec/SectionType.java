package io.github.qmig.codec;

/** The four section record types (migration/savevm.h, {@code QEMU_VM_SECTION_*}). */
public enum SectionType {
    /** First section of a live handler; full header. */
    START(0x01, true),
    /** One iteration of a live handler; short header. */
    PART(0x02, false),
    /** Last iteration of a live handler; short header. */
    END(0x03, false),
    /** A whole non-iterative device; full header. */
    FULL(0x04, true);

    private final int code;
    private final boolean fullHeader;

    SectionType(int code, boolean fullHeader) {
        this.code = code;
        this.fullHeader = fullHeader;
    }

    /** The record type byte. */
    public int code() {
        return code;
    }

    /** Whether the header carries idstr, instance and version (START, FULL). */
    public boolean hasFullHeader() {
        return fullHeader;
    }

    /** The type for a record byte, or null if it is not a section type. */
    public static SectionType of(int code) {
        return switch (code) {
            case 0x01 -> START;
            case 0x02 -> PART;
            case 0x03 -> END;
            case 0x04 -> FULL;
            default -> null;
        };
    }
}
