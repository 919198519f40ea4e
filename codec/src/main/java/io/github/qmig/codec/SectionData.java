package io.github.qmig.codec;

import java.nio.ByteBuffer;

/**
 * A run of payload bytes of a section the reader frames but does not decode (device state, dirty
 * bitmaps, ...). A large payload arrives as several consecutive events.
 *
 * @param bytes a view into the reader's buffer, valid until the next {@code next()} call; use
 *              {@link #copy()} to keep it
 */
public record SectionData(long offset, ByteBuffer bytes) implements MigrationEvent {

    public int length() {
        return bytes.remaining();
    }

    /** A copy that stays valid. */
    public SectionData copy() {
        ByteBuffer b = ByteBuffer.allocate(bytes.remaining());
        b.put(bytes.duplicate()).flip();
        return new SectionData(offset, b);
    }
}
