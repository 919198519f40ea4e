package io.github.qmig.inspect.dump;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.vmdesc.Vmsd;
import io.github.qmig.codec.vmdesc.VmstateDecoder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The CONFIGURATION record in qmig's dump: what the codec decodes (machine, capabilities, target
 * page bits, UUID), the raw subsections, and, when the VMDESCRIPTION describes the record (QEMU
 * 8.2+), the record decoded field by field with that description ({@code "state"}).
 *
 * <pre>
 * 0x07 | be32 len | name[len] | { 05 | u8 n | name[n] | be32 version | body }*
 * </pre>
 *
 * The body after the type byte is a vmstate payload of {@code vmstate_configuration}
 * (migration/savevm.c); it is rebuilt byte for byte from the {@link Configuration} event to decode it.
 */
final class ConfigurationRenderer {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ConfigurationRenderer() {
    }

    static ObjectNode render(MigrationDump dump) {
        Configuration c = dump.configuration();
        ObjectNode o = F.objectNode();
        o.put("offset", c.offset());
        o.put("machine", c.machine());
        ArrayNode caps = o.putArray("capabilities");
        c.capabilities().forEach(caps::add);
        c.targetPageBits().ifPresent(bits -> o.put("target_page_bits", bits));
        c.uuid().ifPresent(u -> o.put("uuid", u.toString()));
        o.set("subsections", subsections(c));
        Vmsd desc = dump.description() == null ? null : dump.description().configuration();
        if (desc != null) {
            ByteBuffer body = body(c);
            try {
                o.set("state", QmigDumpRenderer.struct(VmstateDecoder.decode(desc, body, c.offset() + 1,
                        dump.source(), null, c.offset())));
            } catch (MigrationFormatException e) {
                o.put("decode_error", e.getMessage());
            }
        }
        return o;
    }

    /** The record's bytes after the type byte, as {@code ConfigurationCodec} read them. */
    static ByteBuffer body(Configuration c) {
        byte[] name = c.machine().getBytes(StandardCharsets.ISO_8859_1);
        int len = 4 + name.length;
        for (Configuration.Subsection s : c.subsections()) {
            len += 1 + 1 + s.name().length() + 4 + s.body().remaining();
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putInt(name.length).put(name);
        for (Configuration.Subsection s : c.subsections()) {
            byte[] n = s.name().getBytes(StandardCharsets.ISO_8859_1);
            b.put((byte) 0x05).put((byte) n.length).put(n).putInt(s.version()).put(s.body().duplicate());
        }
        return b.flip();
    }

    /** The raw subsections: name, version, size and body as hex. */
    private static ArrayNode subsections(Configuration c) {
        ArrayNode a = F.arrayNode();
        for (Configuration.Subsection s : c.subsections()) {
            ObjectNode o = F.objectNode();
            o.put("name", s.name());
            o.put("version", Integer.toUnsignedLong(s.version()));
            o.put("size", s.body().remaining());
            o.put("hex", Hex.compact(s.body()));
            a.add(o);
        }
        return a;
    }
}
