package io.github.qmig.codec;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.codec.io.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the CONFIGURATION record. Subsection bodies have no length on the wire; the
 * three QEMU defines ({@code vmstate_configuration} in migration/savevm.c) have known shapes, and
 * QEMU's loader, like this reader, takes a {@code 05} byte as a subsection only when the name that
 * follows starts with {@code configuration/} ({@code vmstate_subsection_load}).
 */
final class ConfigurationCodec {

    private static final String PREFIX = "configuration/";

    private ConfigurationCodec() {
    }

    static Configuration read(ByteSource in, long at, ReadLimits limits) throws IOException {
        in.skip(1);
        long len = Integer.toUnsignedLong(in.readInt());
        if (len > 255 || len > limits.maxConfiguration()) {
            throw in.fail(Code.LIMIT_EXCEEDED, at + 1, "machine name of %d bytes (limit 255)", len);
        }
        String machine = new String(in.readBytes((int) len), StandardCharsets.ISO_8859_1);
        List<Configuration.Subsection> subs = new ArrayList<>();
        long total = len;
        while (in.peek(0) == 0x05 && namePrefixed(in)) {
            long subAt = in.position();
            in.skip(1);
            String name = in.readCountedString();
            int version = in.readInt();
            int bodyLength = bodyLength(in, name, subAt, limits);
            total += bodyLength;
            if (total > limits.maxConfiguration()) {
                throw in.fail(Code.LIMIT_EXCEEDED, subAt, "configuration larger than %d bytes", limits.maxConfiguration());
            }
            subs.add(new Configuration.Subsection(name, version, ByteBuffer.wrap(in.readBytes(bodyLength))));
        }
        return new Configuration(at, machine, subs);
    }

    private static boolean namePrefixed(ByteSource in) throws IOException {
        int n = in.peek(1);
        if (n < PREFIX.length() || !in.ensure(2 + n)) {
            return false;
        }
        return in.peekString(2, PREFIX.length()).equals(PREFIX);
    }

    private static int bodyLength(ByteSource in, String name, long subAt, ReadLimits limits) throws IOException {
        switch (name) {
            case Configuration.PAGE_BITS:
                return 4;
            case Configuration.UUID_NAME:
                return 16;
            case Configuration.CAPABILITIES: {
                in.require(4);
                long count = Integer.toUnsignedLong(in.peekInt(0));
                if (count > limits.maxCapabilities()) {
                    throw in.fail(Code.LIMIT_EXCEEDED, in.position(), "%d capabilities (limit %d)", count,
                            limits.maxCapabilities());
                }
                int at = 4;
                for (int i = 0; i < count; i++) {
                    int n = in.peek(at);
                    if (n < 0) {
                        throw in.fail(Code.TRUNCATED, in.position() + in.available(), "input ends inside the capability list");
                    }
                    at += 1 + n;
                }
                return at;
            }
            default:
                throw in.fail(Code.CORRUPT, subAt, "unknown configuration subsection '%s' (its length is unknown)", name);
        }
    }

    static void write(Configuration c, ByteSink out) throws IOException {
        byte[] name = c.machine().getBytes(StandardCharsets.ISO_8859_1);
        out.writeU8(Configuration.TYPE);
        out.writeInt(name.length);
        out.write(name, 0, name.length);
        for (Configuration.Subsection s : c.subsections()) {
            out.writeU8(0x05);
            out.writeCountedString(s.name());
            out.writeInt(s.version());
            out.write(s.body().duplicate());
        }
    }
}
