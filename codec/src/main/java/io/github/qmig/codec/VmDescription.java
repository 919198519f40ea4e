package io.github.qmig.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The VMDESCRIPTION record after EOF: a JSON description of every FULL section's fields
 * (migration/savevm.c {@code qemu_savevm_state_complete_precopy_non_iterable}).
 *
 * <pre>
 * | 0x06 | len be32 | json[len] |
 * </pre>
 *
 * @param json the JSON bytes exactly as in the file (a private copy)
 */
public record VmDescription(long offset, ByteBuffer json) implements MigrationEvent {

    public static final int TYPE = 0x06;

    public VmDescription {
        Objects.requireNonNull(json, "json");
    }

    public String text() {
        ByteBuffer b = json.duplicate();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }
}
