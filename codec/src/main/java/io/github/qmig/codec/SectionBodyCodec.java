package io.github.qmig.codec;

import java.io.IOException;

/**
 * Decodes the payloads of the sections it knows, such as {@code ram}; registered through
 * {@link ReadOptions#withCodec}. One instance serves one reader, so it may keep state across the
 * sections of a stream (RAM's current block carries from one section to the next).
 */
public interface SectionBodyCodec {

    /** A reader for this section's payload, or null if this codec does not decode it. */
    SectionBody open(SectionHeader header, BodyContext context) throws IOException;
}
