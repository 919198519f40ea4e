package io.github.qmig.codec;

import io.github.qmig.codec.internal.VmDescriptionLocator;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.codec.vmdesc.Description;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The VMDESCRIPTION of a seekable file, read before the file is read front to back: the reader
 * delimits device sections with it ({@link SectionFraming}), and when it reaches the record it
 * hands on these bytes and this parse instead of reading and parsing them again.
 */
final class TrailingDescription {

    private final long offset;
    private final byte[] json;
    private final Description parsed;
    private final MigrationFormatException failure;

    private TrailingDescription(long offset, byte[] json, Description parsed, MigrationFormatException failure) {
        this.offset = offset;
        this.json = json;
        this.parsed = parsed;
        this.failure = failure;
    }

    /** The description at the end of the file {@code in} reads, or null if it has none. */
    static TrailingDescription find(ByteSource in, ReadLimits limits) throws IOException {
        byte[] json = VmDescriptionLocator.find(in, in.position(), limits.maxVmDescription());
        if (json == null) {
            return null;
        }
        long offset = in.size() - 5 - json.length;
        try {
            return new TrailingDescription(offset, json, Description.parse(json, offset + 5, limits), null);
        } catch (MigrationFormatException e) {
            return new TrailingDescription(offset, json, null, e); // reported when the reader reaches it
        }
    }

    /** The parsed description, or null if it does not parse. */
    Description parsed() {
        return parsed;
    }

    /** Whether the record at {@code at} with {@code len} bytes of JSON is this one. */
    boolean is(long at, long len) {
        return at == offset && len == json.length;
    }

    VmDescription event(ReadLimits limits) {
        return new VmDescription(offset, ByteBuffer.wrap(json), limits, parsed, failure);
    }
}
