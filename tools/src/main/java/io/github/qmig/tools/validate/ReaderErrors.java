package io.github.qmig.tools.validate;

import io.github.qmig.codec.MigrationFormatException;

/**
 * Gives a reader's {@link MigrationFormatException} its problem code: by {@code Reason}, refined
 * for {@code CORRUPT} and {@code UNSUPPORTED_VERSION} by the reader's message. Unrecognised
 * messages fall back to the reason's code, so a reworded message degrades to a coarser code and
 * never to a wrong one (ReaderErrorsTest pins the messages).
 */
final class ReaderErrors {

    private ReaderErrors() {
    }

    static ProblemCode code(MigrationFormatException e) {
        String d = e.detail() == null ? "" : e.detail();
        return switch (e.reason()) {
            case TRUNCATED -> ProblemCode.TRUNCATED;
            case BAD_MAGIC -> ProblemCode.BAD_MAGIC;
            case LIMIT_EXCEEDED -> ProblemCode.LIMIT_EXCEEDED;
            case UNSUPPORTED_VERSION -> d.startsWith("mapped-ram header version")
                    ? ProblemCode.MAPPED_RAM_VERSION : ProblemCode.UNSUPPORTED_VERSION;
            case CORRUPT -> corrupt(d);
        };
    }

    private static ProblemCode corrupt(String d) {
        if (d.contains(" data is corrupt or cut short")) {
            return ProblemCode.COMPRESSED_DATA_INVALID;
        }
        if (d.startsWith("missing section footer")) {
            return ProblemCode.FOOTER_MISSING;
        }
        if (d.startsWith("footer names section id")) {
            return ProblemCode.FOOTER_MISMATCH;
        }
        if (d.contains("which no START opened")) {
            return ProblemCode.SECTION_NOT_STARTED;
        }
        if (d.startsWith("unknown record type") || d.startsWith("section footer where a record should start")
                || d.startsWith("VMDESCRIPTION before the EOF") || d.startsWith("CONFIGURATION record not right after")) {
            return ProblemCode.RECORD_TYPE_INVALID;
        }
        if (d.startsWith("data after the VMDESCRIPTION") || d.startsWith("unexpected byte")) {
            return ProblemCode.TRAILING_DATA;
        }
        if (d.startsWith("page offset")) {
            return ProblemCode.RAM_PAGE_OUTSIDE_BLOCK;
        }
        if (d.startsWith("page record for unknown RAM block") || d.startsWith("CONTINUE page record with no previous block")) {
            return ProblemCode.RAM_BLOCK_UNKNOWN;
        }
        if (d.startsWith("block '") && d.contains("used_length")) {
            return ProblemCode.RAM_SIZE_MISMATCH;
        }
        if (d.startsWith("RAM block with an empty name") || (d.startsWith("RAM block '") && d.endsWith("listed twice"))) {
            return ProblemCode.RAM_BLOCK_NAME_INVALID;
        }
        if (d.startsWith("XBZRLE")) {
            return ProblemCode.RAM_XBZRLE_INVALID;
        }
        if (d.startsWith("compressed page")) {
            return ProblemCode.RAM_ZLIB_INVALID;
        }
        if (d.contains("combination of RAM flags") || d.startsWith("page record (flags")) {
            return ProblemCode.RAM_FLAGS_INVALID;
        }
        if (d.startsWith("mapped-ram page size")) {
            return ProblemCode.MAPPED_RAM_PAGE_SIZE;
        }
        if (d.startsWith("bitmap offset") || d.startsWith("pages offset") || d.startsWith("mapped-ram offsets")) {
            return ProblemCode.MAPPED_RAM_OFFSET_INVALID;
        }
        if (d.startsWith("command") || d.startsWith("PACKAGED command")) {
            return ProblemCode.COMMAND_INVALID;
        }
        return ProblemCode.CORRUPT;
    }

    /** The exception as one error problem at its offset and section. */
    static Problem problem(MigrationFormatException e) {
        return new Problem(Severity.ERROR, e.offset(), e.section(), e.detail(), code(e).id());
    }
}
