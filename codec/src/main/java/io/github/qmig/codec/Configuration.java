package io.github.qmig.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The CONFIGURATION record right after the file header (migration/savevm.c
 * {@code vmstate_configuration}, written by {@code qemu_savevm_state_header}).
 *
 * <pre>
 * | 0x07 | len be32 | machine name[len] | subsection* |
 * subsection := | 0x05 | n u8 | name[n] | version be32 | body |
 * </pre>
 *
 * Known subsections, each {@code version 1}: {@code configuration/target-page-bits} (be32),
 * {@code configuration/capabilities} (be32 count + count counted strings, in QAPI enum order),
 * {@code configuration/uuid} (16 bytes). Bodies are kept as raw bytes for exact re-encoding.
 */
public record Configuration(long offset, String machine, List<Subsection> subsections) implements MigrationEvent {

    public static final int TYPE = 0x07;
    public static final String PAGE_BITS = "configuration/target-page-bits";
    public static final String CAPABILITIES = "configuration/capabilities";
    public static final String UUID_NAME = "configuration/uuid";
    /** Declaration order of the subsections in {@code vmstate_configuration}. */
    private static final List<String> ORDER = List.of(PAGE_BITS, CAPABILITIES, UUID_NAME);

    /** One subsection; {@code body} is a private read-only copy of its bytes. */
    public record Subsection(String name, int version, ByteBuffer body) {
        public Subsection {
            Objects.requireNonNull(name, "name");
            body = body.asReadOnlyBuffer();
        }
    }

    public Configuration {
        Objects.requireNonNull(machine, "machine");
        subsections = List.copyOf(subsections);
    }

    public Optional<Subsection> subsection(String name) {
        return subsections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The validated capabilities listed (only {@code x-ignore-shared} and {@code mapped-ram} in 10.x). */
    public List<String> capabilities() {
        return subsection(CAPABILITIES).map(s -> decodeCapabilities(s.body())).orElse(List.of());
    }

    public boolean hasCapability(String name) {
        return capabilities().contains(name);
    }

    /** Target page bits if the stream says (aarch64 and other variable-page targets). */
    public OptionalInt targetPageBits() {
        return subsection(PAGE_BITS).filter(s -> s.body().remaining() == 4)
                .map(s -> OptionalInt.of(s.body().getInt(s.body().position()))).orElse(OptionalInt.empty());
    }

    public Optional<UUID> uuid() {
        return subsection(UUID_NAME).filter(s -> s.body().remaining() == 16).map(s -> {
            ByteBuffer b = s.body().duplicate();
            return new UUID(b.getLong(), b.getLong());
        });
    }

    /**
     * A copy with the capabilities subsection replaced by {@code caps} (dropped when empty, added
     * in declaration order when the source had none).
     */
    public Configuration withCapabilities(List<String> caps) {
        List<Subsection> out = new ArrayList<>(subsections);
        out.removeIf(s -> s.name().equals(CAPABILITIES));
        if (!caps.isEmpty()) {
            out.add(new Subsection(CAPABILITIES, 1, encodeCapabilities(caps)));
            out.sort((a, b) -> Integer.compare(rank(a.name()), rank(b.name())));
        }
        return new Configuration(offset, machine, out);
    }

    private static int rank(String name) {
        int i = ORDER.indexOf(name);
        return i < 0 ? ORDER.size() : i;
    }

    static List<String> decodeCapabilities(ByteBuffer body) {
        ByteBuffer b = body.duplicate();
        int n = b.getInt();
        List<String> caps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] s = new byte[b.get() & 0xff];
            b.get(s);
            caps.add(new String(s, StandardCharsets.ISO_8859_1));
        }
        return List.copyOf(caps);
    }

    static ByteBuffer encodeCapabilities(List<String> caps) {
        int len = 4;
        for (String c : caps) {
            len += 1 + c.length();
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putInt(caps.size());
        for (String c : caps) {
            byte[] s = c.getBytes(StandardCharsets.ISO_8859_1);
            b.put((byte) s.length).put(s);
        }
        return b.flip();
    }
}
