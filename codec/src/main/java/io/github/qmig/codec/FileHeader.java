package io.github.qmig.codec;

/**
 * The file header: be32 magic {@code QEVM} ({@value #MAGIC_HEX}) and be32 version 3
 * (migration/savevm.h; checked by {@code qemu_loadvm_state_header}).
 *
 * <pre>
 * +----------+----------+
 * | 5145564D | 00000003 |
 * +----------+----------+
 * </pre>
 */
public record FileHeader(long offset, int version) implements MigrationEvent {

    public static final int MAGIC = 0x5145564D;
    static final String MAGIC_HEX = "0x5145564D";
    public static final int VERSION = 3;
    /** Version 2, which QEMU rejects as obsolete. */
    public static final int VERSION_COMPAT = 2;

    public static FileHeader v3(long offset) {
        return new FileHeader(offset, VERSION);
    }
}
