package io.github.qmig.codec.internal;

import io.github.qmig.codec.SectionRef;

/** What the reader knows that tells a plausible next record from device bytes. */
public interface StreamState {

    /** Whether sections end with footers: TRUE, FALSE, or null while not yet known. */
    Boolean footers();

    /** The section last started (START/FULL) with this id, or null. */
    SectionRef section(int id);

    /** Whether a START with this id was seen and its END not yet. */
    boolean isLive(int id);

    /** Absolute end of the PACKAGED stream being read, or -1. */
    long packageEnd();

    /** The input's total size, or -1 if unknown (a stream). */
    long inputSize();

    int maxVmDescription();

    /** Most bytes of one payload delimited by scanning. */
    long maxScannedPayload();
}
