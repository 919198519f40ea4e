package io.github.qmig.codec;

import io.github.qmig.codec.io.ByteSink;

import java.io.IOException;

/**
 * An event inside a section payload that a {@link SectionBodyCodec} decoded, such as a RAM page
 * record. It writes its own wire form, so {@link MigrationWriter} needs no knowledge of it.
 */
public non-sealed interface BodyEvent extends MigrationEvent {

    /** Writes this event's bytes exactly as they appear on the wire. */
    void writeTo(ByteSink out) throws IOException;
}
