package io.github.qmig.codec;

import io.github.qmig.codec.io.ByteSource;

/** What a {@link SectionBodyCodec} may know of the stream it reads. */
public interface BodyContext {

    /** The input, positioned at the first payload byte. */
    ByteSource source();

    /** The CONFIGURATION record, or null if the stream has none. */
    Configuration configuration();

    /** The target page size: configuration, VMDESCRIPTION, option or machine default, in that order. */
    int pageSize();

    ReadLimits limits();

    /** The last POSTCOPY_ADVISE command seen, or null. */
    Command postcopyAdvise();
}
