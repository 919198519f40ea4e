package io.github.qmig.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Bytes after the end of the stream that QEMU's loader never reads ({@code qemu_loadvm_state}
 * stops at the EOF record): anything after the VMDESCRIPTION, a VMDESCRIPTION cut short, one over
 * the reader's limit, or bytes after EOF that are not a VMDESCRIPTION at all. A file with them
 * loads into QEMU; the reader says what they are and ends. They are not written back:
 * {@link MigrationWriter} writes nothing for this event, so a converted file is the stream QEMU
 * reads.
 *
 * @param offset   absolute offset of the first such byte
 * @param kind     what they are
 * @param length   how many bytes there are, or -1 if unknown (a pipe is not read to its end)
 * @param declared for a cut or unread VMDESCRIPTION, the length its header declares; else -1
 * @param head     the first bytes (at most {@link #HEAD}), for messages
 */
public record TrailingBytes(long offset, Kind kind, long length, long declared, ByteBuffer head)
        implements MigrationEvent {

    /** Bytes of {@link #head()} kept. */
    public static final int HEAD = 16;

    /** What the bytes after the stream are. */
    public enum Kind {
        /** After the EOF record, not a VMDESCRIPTION record. */
        AFTER_EOF,
        /** A VMDESCRIPTION record whose JSON the input cuts short. */
        CUT_DESCRIPTION,
        /** A VMDESCRIPTION longer than {@link ReadLimits#maxVmDescription()}: not read. */
        UNREAD_DESCRIPTION,
        /** After a complete VMDESCRIPTION. */
        AFTER_DESCRIPTION
    }

    public TrailingBytes {
        Objects.requireNonNull(kind, "kind");
        head = Objects.requireNonNull(head, "head").asReadOnlyBuffer();
    }
}
