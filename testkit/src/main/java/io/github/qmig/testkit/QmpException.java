package io.github.qmig.testkit;

/**
 * A QMP command failed, QEMU went away, or a wait on QEMU timed out.
 *
 * <p>For an {@code error} reply, {@link #errorClass()} holds QMP's error class (e.g. {@code
 * GenericError}); otherwise it is {@code null}. Messages thrown by {@link QemuVm} include the tail
 * of QEMU's stderr.
 */
public class QmpException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String errorClass;

    /** An exception with a message and no QMP error class. */
    public QmpException(String message) {
        this(message, null, null);
    }

    /** An exception with a message and a cause. */
    public QmpException(String message, Throwable cause) {
        this(message, null, cause);
    }

    /** An exception for a QMP {@code error} reply. */
    public QmpException(String message, String errorClass, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
    }

    /** QMP's error class of an {@code error} reply, or {@code null}. */
    public String errorClass() {
        return errorClass;
    }
}
