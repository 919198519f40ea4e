package io.github.qmig.codec;

import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DescriptionWriter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The VMDESCRIPTION record after EOF: a JSON description of every FULL section's fields
 * (migration/savevm.c {@code qemu_savevm_state_complete_precopy_non_iterable}).
 *
 * <pre>
 * | 0x06 | len be32 | json[len] |
 * </pre>
 *
 * The JSON is parsed at most once, when {@link #description} is first asked for (or before, when
 * the reader read it ahead to delimit device sections).
 */
public final class VmDescription implements MigrationEvent {

    public static final int TYPE = 0x06;

    private final long offset;
    private final ByteBuffer json;
    private final ReadLimits limits;
    private Description parsed;
    private MigrationFormatException failure;

    /**
     * @param json   the JSON bytes exactly as in the file (kept, not copied: the caller hands them over)
     * @param parsed the description already parsed from these bytes, or null
     */
    public VmDescription(long offset, ByteBuffer json, ReadLimits limits, Description parsed) {
        this(offset, json, limits, parsed, null);
    }

    /** As the reader makes it: with the outcome of parsing these bytes ahead, if it did. */
    VmDescription(long offset, ByteBuffer json, ReadLimits limits, Description parsed,
                  MigrationFormatException failure) {
        this.offset = offset;
        this.json = Objects.requireNonNull(json, "json").asReadOnlyBuffer();
        this.limits = Objects.requireNonNull(limits, "limits");
        this.parsed = parsed;
        this.failure = failure;
    }

    /** A record of {@code json} read within the default limits. */
    public VmDescription(long offset, ByteBuffer json) {
        this(offset, json, ReadLimits.defaults(), null);
    }

    @Override
    public long offset() {
        return offset;
    }

    /** The JSON bytes (a read-only view). */
    public ByteBuffer json() {
        return json.duplicate();
    }

    /** Bytes of JSON. */
    public int length() {
        return json.remaining();
    }

    /** Absolute offset of the JSON's first byte. */
    public long jsonOffset() {
        return offset + 5;
    }

    /**
     * The parsed description.
     *
     * @throws MigrationFormatException {@code VMDESC_INVALID} or {@code LIMIT_EXCEEDED} (the same
     *         exception each time)
     */
    public Description description() throws MigrationFormatException {
        if (parsed == null && failure == null) {
            try {
                parsed = Description.parse(bytes(), jsonOffset(), limits);
            } catch (MigrationFormatException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return parsed;
    }

    /**
     * This description with its {@code configuration} object's capabilities set to {@code caps},
     * for a stream whose CONFIGURATION record was given those capabilities; unchanged when the JSON
     * has no configuration object (QEMU before 8.2) or does not parse.
     */
    public VmDescription withCapabilities(List<String> caps) {
        Description d;
        try {
            d = description();
        } catch (MigrationFormatException e) {
            return this;
        }
        byte[] edited = DescriptionWriter.withCapabilities(bytes(), d, caps);
        return new VmDescription(offset, ByteBuffer.wrap(edited), limits, null);
    }

    private byte[] bytes() {
        byte[] a = new byte[json.remaining()];
        json.duplicate().get(a);
        return a;
    }

    public String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "VmDescription[offset=" + offset + ", " + json.remaining() + " bytes]";
    }
}
