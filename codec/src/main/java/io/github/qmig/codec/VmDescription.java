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

    /**
     * This description with its {@code configuration} object's capabilities set to {@code caps},
     * for a stream whose CONFIGURATION record was given those capabilities; unchanged when the JSON
     * has no configuration object (QEMU before 8.2).
     */
    public VmDescription withCapabilities(java.util.List<String> caps) {
        ByteBuffer b = json.duplicate();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        byte[] edited = io.github.qmig.codec.internal.ConfigurationDescription.withCapabilities(a, caps);
        return new VmDescription(offset, ByteBuffer.wrap(edited).asReadOnlyBuffer());
    }

    public String text() {
        ByteBuffer b = json.duplicate();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }
}
