package io.github.qmig.codec;

import java.io.IOException;

/** Reads the payload of one section as events; made by a {@link SectionBodyCodec}. */
public interface SectionBody {

    /**
     * The next event of the payload, or null once the payload has ended (the source is then at the
     * section footer or the next record).
     */
    MigrationEvent next() throws IOException;
}
