package io.github.qmig.codec.internal;

import io.github.qmig.codec.io.ByteSource;

import java.io.IOException;

/**
 * Finds where an undecoded section payload ends, piece by piece: each call looks at the bytes at
 * the source's position (peeking only) and says how many of them belong to the payload.
 */
public interface PayloadFramer {

    /** Bytes of payload starting at the source's position, or 0 when the payload has ended there. */
    long next(ByteSource in) throws IOException;
}
