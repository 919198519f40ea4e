package io.github.qmig.inspect.validate;

import java.util.Locale;

/** How bad a {@link Problem} is. Only errors make a file invalid; {@code --strict} turns warnings into errors. */
public enum Severity {
    /** QEMU would refuse the file, or the file does not hold what it claims (cut short, pages missing). */
    ERROR,
    /** QEMU accepts it, but a default QEMU or a careful writer would not produce or load it as is. */
    WARNING,
    /** A fact worth knowing (no VMDESCRIPTION, a background snapshot); never an error. */
    INFO;

    /** The name used in JSON and text output: {@code error}, {@code warning}, {@code info}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
