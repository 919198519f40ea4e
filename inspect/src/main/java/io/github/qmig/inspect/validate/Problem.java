package io.github.qmig.inspect.validate;

import io.github.qmig.codec.SectionRef;

import java.util.Objects;

/**
 * One finding of {@code qmig validate}.
 *
 * @param severity how bad it is
 * @param offset   absolute byte offset it refers to, or -1 if it concerns the whole file
 * @param section  the section it belongs to, or null
 * @param message  a plain sentence, without file name, offset or section (those are fields)
 * @param code     a stable kebab-case id from {@link ProblemCode}; scripts match on it
 */
public record Problem(Severity severity, long offset, SectionRef section, String message, String code) {

    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(code, "code");
    }

    public static Problem of(ProblemCode code, long offset, SectionRef section, String format, Object... args) {
        return new Problem(code.severity(), offset, section, args.length == 0 ? format : String.format(format, args),
                code.id());
    }

    /** A reader's error as the problem that ends the validation of its file. */
    public static Problem of(io.github.qmig.codec.MigrationFormatException e) {
        return new Problem(Severity.ERROR, e.offset(), e.section(), e.detail(), ProblemCode.of(e.code()).id());
    }

    /** This problem as an error if it was a warning ({@code --strict}). */
    public Problem strict() {
        return severity == Severity.WARNING ? new Problem(Severity.ERROR, offset, section, message, code) : this;
    }

    /** {@code message at byte 0x1b in section 'ram' instance 0 (id 1, started at 0x1b)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(message);
        if (offset >= 0) {
            sb.append(String.format(" at byte 0x%x", offset));
        }
        if (section != null) {
            sb.append(" in section ").append(section.describe());
        }
        return sb.toString();
    }
}
