package io.github.qmig.compat;

/**
 * The request cannot be answered as given: no machine type to check against (the file has no
 * configuration section and none was given), or two that differ. {@code qmig compat} exits with 2.
 */
public final class CompatUsageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public CompatUsageException(String message) {
        super(message);
    }
}
