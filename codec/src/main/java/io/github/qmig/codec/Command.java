package io.github.qmig.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A command record (migration/savevm.c {@code qemu_savevm_command_send}, {@code loadvm_process_command}).
 *
 * <pre>
 * | 0x08 | cmd be16 | len be16 | data[len] |
 * </pre>
 *
 * For {@link CommandType#PACKAGED}, {@code data} is a be32 length L and the L bytes after the
 * command are a nested record stream, which the reader returns as ordinary events.
 *
 * @param code the command number; {@link #type()} is null for numbers this reader does not know
 * @param data the payload (a private copy)
 */
public record Command(long offset, int code, ByteBuffer data) implements MigrationEvent {

    public static final int TYPE = 0x08;

    public Command {
        Objects.requireNonNull(data, "data");
        if (data.remaining() > 0xFFFF) {
            throw new IllegalArgumentException("command payload longer than 65535 bytes");
        }
    }

    public static Command of(long offset, CommandType type, byte... data) {
        return new Command(offset, type.code(), ByteBuffer.wrap(data.clone()).asReadOnlyBuffer());
    }

    public CommandType type() {
        return CommandType.of(code);
    }

    /** For PACKAGED: the length of the nested stream that follows. */
    public long packagedLength() {
        if (type() != CommandType.PACKAGED || data.remaining() != 4) {
            throw new IllegalStateException("not a PACKAGED command");
        }
        return Integer.toUnsignedLong(data.getInt(data.position()));
    }

    public String name() {
        CommandType t = type();
        return t != null ? t.name() : "UNKNOWN_" + code;
    }
}
