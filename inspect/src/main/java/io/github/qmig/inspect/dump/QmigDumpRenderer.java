package io.github.qmig.inspect.dump;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.codec.Command;
import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.vmdesc.DeviceEntry;
import io.github.qmig.codec.vmdesc.VmValue;
import io.github.qmig.codec.vmdesc.VmstateDecoder;
import io.github.qmig.ramblock.PageTally;
import io.github.qmig.ramblock.RamBlock;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Renders a {@link MigrationDump} as qmig's own JSON document (field names are stable; see
 * docs/dump.md):
 *
 * <pre>
 * { "source", "header": {offset, magic, version}, "configuration": {...} | null, "page_size", "footers",
 *   "records": [ {"record": "section", offset, type, section_id, idstr, instance_id, version,
 *                 payload_offset, payload_size, footer_offset, then one of
 *                 "ram": {...} | "state": {vmsd_name, version, fields, subsections} | "hex": "..."}
 *              | {"record": "command", offset, command, code, length, hex} ],
 *   "eof_offset", "vmdescription": {offset, size, devices} | null, "ram_blocks": [...] }
 * </pre>
 *
 * Decoded values are typed: integers as JSON numbers (signed or unsigned as QEMU's type), bools,
 * {@code float64} as numbers, buffers and device codecs as compact lowercase hex, NULL pointers as
 * null, capabilities as strings, structs as objects. A device section that does not match its
 * description keeps its hex and gets a {@code decode_error} message instead of failing the dump.
 */
public final class QmigDumpRenderer {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private QmigDumpRenderer() {
    }

    public static ObjectNode render(MigrationDump dump) {
        ObjectNode root = F.objectNode();
        root.put("source", dump.source());
        FileHeader h = dump.header();
        ObjectNode header = root.putObject("header");
        header.put("offset", h.offset());
        header.put("magic", "QEVM");
        header.put("version", h.version());
        root.set("configuration", dump.configuration() == null ? F.nullNode() : ConfigurationRenderer.render(dump));
        root.put("page_size", dump.pageSize());
        if (dump.footers() == null) {
            root.putNull("footers");
        } else {
            root.put("footers", dump.footers());
        }
        ArrayNode records = root.putArray("records");
        for (DumpRecord r : dump.records()) {
            records.add(r instanceof DumpRecord.Section s ? section(dump, s) : command(((DumpRecord.CommandRecord) r).command()));
        }
        root.put("eof_offset", dump.eofOffset());
        if (dump.descriptionOffset() < 0) {
            root.putNull("vmdescription");
        } else {
            ObjectNode d = root.putObject("vmdescription");
            d.put("offset", dump.descriptionOffset());
            d.put("size", dump.descriptionSize());
            if (dump.description() != null) {
                d.put("devices", dump.description().devices().size());
            } else {
                d.put("error", dump.descriptionError());
            }
        }
        ArrayNode blocks = root.putArray("ram_blocks");
        for (RamBlockSummary b : dump.ramBlocks()) {
            ObjectNode o = block(b);
            o.set("pages", pages(b.pages()));
            blocks.add(o);
        }
        return root;
    }

    private static ObjectNode section(MigrationDump dump, DumpRecord.Section s) {
        ObjectNode o = F.objectNode();
        o.put("record", "section");
        o.put("offset", s.offset());
        o.put("type", s.type().name());
        o.put("section_id", Integer.toUnsignedLong(s.header().sectionId()));
        o.put("idstr", s.header().idstr());
        o.put("instance_id", Integer.toUnsignedLong(s.header().instanceId()));
        o.put("version", Integer.toUnsignedLong(s.header().version()));
        o.put("payload_offset", s.payloadOffset());
        o.put("payload_size", s.payloadSize());
        if (s.footerOffset() >= 0) {
            o.put("footer_offset", s.footerOffset());
        } else {
            o.putNull("footer_offset");
        }
        if (s.ram() != null) {
            o.set("ram", ram(s.ram()));
            return o;
        }
        DeviceEntry desc = s.fullIndex() < 0 || dump.description() == null ? null
                : dump.description().device(s.fullIndex(), s.header().idstr(), Integer.toUnsignedLong(s.header().instanceId()));
        if (desc == null) {
            o.put("hex", Hex.compact(s.payload()));
            return o;
        }
        ByteBuffer payload = s.payload().duplicate();
        try {
            VmValue.Struct v = VmstateDecoder.decode(desc.vmsd(), payload, s.payloadOffset(), dump.source(),
                    s.header().section(), s.offset());
            o.set("state", struct(v));
            if (payload.hasRemaining()) {
                o.put("trailing_hex", Hex.compact(payload));
            }
        } catch (MigrationFormatException e) {
            o.put("hex", Hex.compact(s.payload()));
            o.put("decode_error", e.getMessage());
        }
        return o;
    }

    private static ObjectNode ram(RamSectionSummary r) {
        ObjectNode o = F.objectNode();
        if (r.memSize() >= 0) {
            o.put("mem_size", r.memSize());
        }
        if (!r.blocks().isEmpty()) {
            ArrayNode list = o.putArray("blocks");
            r.blocks().forEach(b -> list.add(block(b)));
        }
        ObjectNode pages = o.putObject("pages");
        for (Map.Entry<String, PageTally.Counts> e : r.pages().entrySet()) {
            pages.set(e.getKey(), pages(e.getValue()));
        }
        o.put("eos", r.eos());
        o.put("multifd_flush", r.multifdFlush());
        o.put("hook", r.hook());
        return o;
    }

    private static ObjectNode block(RamBlockSummary s) {
        RamBlock b = s.block();
        ObjectNode o = F.objectNode();
        o.put("name", b.idstr());
        o.put("used_length", b.usedLength());
        if (b.hasPageSize()) {
            o.put("page_size", b.pageSize());
        }
        if (b.hasMrAddr()) {
            o.put("mr_addr", b.mrAddr());
        }
        if (s.mappedRam() != null) {
            ObjectNode m = o.putObject("mapped_ram");
            m.put("version", s.mappedRam().version());
            m.put("page_size", s.mappedRam().pageSize());
            m.put("bitmap_offset", s.mappedRam().bitmapOffset());
            m.put("pages_offset", s.mappedRam().pagesOffset());
        }
        return o;
    }

    private static ObjectNode pages(PageTally.Counts c) {
        ObjectNode o = F.objectNode();
        o.put("page", c.page());
        o.put("zero", c.zero());
        o.put("xbzrle", c.xbzrle());
        o.put("compressed", c.compressed());
        o.put("mapped", c.mapped());
        return o;
    }

    private static ObjectNode command(Command c) {
        ObjectNode o = F.objectNode();
        o.put("record", "command");
        o.put("offset", c.offset());
        o.put("command", c.name());
        o.put("code", c.code());
        o.put("length", c.data().remaining());
        o.put("hex", Hex.compact(c.data()));
        return o;
    }

    /** A decoded struct: {@code {vmsd_name, version, fields: [...], subsections: [...]}}. */
    static ObjectNode struct(VmValue.Struct s) {
        ObjectNode o = F.objectNode();
        o.put("vmsd_name", s.vmsdName());
        o.put("version", s.version());
        ArrayNode fields = o.putArray("fields");
        for (VmValue.Field f : s.fields()) {
            fields.add(field(f));
        }
        ArrayNode subs = o.putArray("subsections");
        for (VmValue.Subsection sub : s.subsections()) {
            ObjectNode so = F.objectNode();
            so.put("name", sub.name());
            so.put("version", sub.version());
            so.put("offset", sub.offset());
            ObjectNode body = struct(sub.body());
            so.set("fields", body.get("fields"));
            so.set("subsections", body.get("subsections"));
            subs.add(so);
        }
        return o;
    }

    private static ObjectNode field(VmValue.Field f) {
        ObjectNode o = F.objectNode();
        o.put("name", f.name());
        o.put("type", f.type());
        o.put("size", f.size());
        o.put("offset", f.offset());
        if (f.index() >= 0) {
            o.put("index", f.index());
        }
        if (f.isArray()) {
            o.put("array_len", f.arrayLen());
            ArrayNode a = o.putArray("value");
            f.elements().forEach(e -> a.add(value(e)));
        } else {
            o.set("value", f.elements().isEmpty() ? F.nullNode() : value(f.elements().get(0)));
        }
        return o;
    }

    /** One element as a typed JSON value. */
    static JsonNode value(VmValue v) {
        if (v instanceof VmValue.Int i) {
            BigInteger x = i.value();
            return x.bitLength() < 64 ? F.numberNode(x.longValue()) : F.numberNode(x);
        } else if (v instanceof VmValue.Bool b) {
            return F.booleanNode(b.value());
        } else if (v instanceof VmValue.Float64 d) {
            double x = d.value();
            return Double.isFinite(x) ? F.numberNode(x) : F.textNode(Double.toString(x));
        } else if (v instanceof VmValue.NullPtr) {
            return F.nullNode();
        } else if (v instanceof VmValue.Capability c) {
            return F.textNode(c.name());
        } else if (v instanceof VmValue.Struct s) {
            return struct(s);
        }
        VmValue.Bytes b = (VmValue.Bytes) v;
        return b.inline() != null ? struct(b.inline()) : F.textNode(Hex.compact(b.raw()));
    }
}
