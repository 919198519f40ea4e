package io.github.qmig.codec;

/**
 * One event of the migration stream, as {@link MigrationReader#next()} returns it and
 * {@link MigrationWriter#write(MigrationEvent)} accepts it: reading a file and writing every event
 * back reproduces the file byte for byte.
 *
 * <pre>
 * file    := FileHeader [Configuration] record* EndOfFile [VmDescription] [TrailingBytes]
 * record  := SectionHeader body SectionFooter? SectionEnd  |  Command
 * body    := SectionData*  (device state, opaque)  |  BodyEvent*  (decoded by a SectionBodyCodec, e.g. RAM)
 * </pre>
 */
public sealed interface MigrationEvent
        permits FileHeader, Configuration, SectionHeader, SectionData, SectionFooter, SectionEnd, Command, EndOfFile,
        VmDescription, TrailingBytes, BodyEvent {

    /** Absolute byte offset of this event's first byte. */
    long offset();
}
