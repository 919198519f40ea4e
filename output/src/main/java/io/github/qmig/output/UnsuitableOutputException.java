package io.github.qmig.output;

import java.io.IOException;

/**
 * An output that cannot be written where asked: a layout that needs seeking (mapped-ram, a sparse
 * image) onto standard output, a FIFO or a device. A usage error: nothing was read or written.
 */
public final class UnsuitableOutputException extends IOException {

    private static final long serialVersionUID = 1L;

    public UnsuitableOutputException(String message) {
        super(message);
    }
}
