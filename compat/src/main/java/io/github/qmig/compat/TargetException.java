package io.github.qmig.compat;

import java.io.IOException;

/**
 * What qmig needs to know of the target could not be learned: its binary does not run, a command
 * times out, its answers or a saved schema cannot be read. Not a verdict on the file: {@code qmig
 * compat} exits with 3 (I/O), as for a file it cannot read. A target that runs but refuses its
 * command line is a verdict instead ({@link CompatCode#TARGET_START_FAILED}).
 */
public final class TargetException extends IOException {

    private static final long serialVersionUID = 1L;

    public TargetException(String message) {
        super(message);
    }

    public TargetException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code source: detail at byte 0x1f}: bad bytes in something the target wrote (a schema, a reply). */
    public static TargetException at(String source, long offset, String format, Object... args) {
        return new TargetException(String.format("%s: %s at byte 0x%x", source,
                args.length == 0 ? format : String.format(format, args), offset));
    }
}
