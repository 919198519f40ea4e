package io.github.qmig.codec;

/**
 * The {@code QEMU_VM_COMMAND} numbers and their fixed payload lengths (migration/savevm.c,
 * {@code enum qemu_vm_cmd} and {@code mig_cmd_args}); -1 means variable.
 */
public enum CommandType {
    OPEN_RETURN_PATH(1, 0),
    PING(2, 4),
    POSTCOPY_ADVISE(3, -1),
    POSTCOPY_LISTEN(4, 0),
    POSTCOPY_RUN(5, 0),
    POSTCOPY_RAM_DISCARD(6, -1),
    /** be32 length; that many further bytes follow outside the command: a nested record stream. */
    PACKAGED(7, 4),
    ENABLE_COLO(8, 0),
    POSTCOPY_RESUME(9, 0),
    RECV_BITMAP(10, -1),
    SWITCHOVER_START(11, 0);

    private final int code;
    private final int length;

    CommandType(int code, int length) {
        this.code = code;
        this.length = length;
    }

    public int code() {
        return code;
    }

    /** The fixed payload length, or -1 if it varies. */
    public int fixedLength() {
        return length;
    }

    /** Whether {@code len} is a length QEMU's loader accepts for this command. */
    public boolean acceptsLength(int len) {
        return switch (this) {
            case POSTCOPY_ADVISE -> len == 0 || len == 16;
            case POSTCOPY_RAM_DISCARD -> len >= 3;
            case RECV_BITMAP -> len >= 1;
            default -> len == length;
        };
    }

    /** The command for a number, or null if unknown. */
    public static CommandType of(int code) {
        for (CommandType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
