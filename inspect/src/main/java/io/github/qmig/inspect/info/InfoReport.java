package io.github.qmig.inspect.info;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.LibvirtHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.qcow2.SnapshotChoice;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.IOException;

/**
 * {@code qmig info}: reads a stream once and reports what it holds. The JSON field names are a
 * contract that scripts parse (issue #2): {@code format, version, machine, capabilities,
 * ram_blocks[{name, used_length, page_size}], ram_records{page, zero, xbzrle, compressed},
 * sections[{id, name, instance, version, start, part, end, full}], vmdesc, complete}; everything
 * else is added beside them.
 */
public final class InfoReport {

    private final StreamSummary summary;
    private final MigrationInput input;
    private final MigrationFormatException error;
    private final Boolean footers;

    private InfoReport(StreamSummary summary, MigrationInput input, MigrationFormatException error, Boolean footers) {
        this.summary = summary;
        this.input = input;
        this.error = error;
        this.footers = footers;
    }

    /**
     * Reads the whole input. A format error ends the reading but not the report: what was read is
     * reported, with the error, and {@link #error()} tells the caller.
     */
    public static InfoReport of(MigrationInput input) throws IOException {
        StreamSummary s = new StreamSummary();
        MigrationFormatException error = null;
        MigrationReader r = input.reader(RamSectionCodec.defaultOptions());
        try {
            r.feed(s);
        } catch (MigrationFormatException e) {
            error = e;
        }
        s.pageSize(r.configuration() != null || s.complete ? r.pageSize() : 0);
        s.streamEnd = r.position();
        return new InfoReport(s, input, error, r.footers());
    }

    public StreamSummary summary() {
        return summary;
    }

    /** What was read: its kind ({@link MigrationInput#kind()}) and libvirt header. */
    public MigrationInput input() {
        return input;
    }

    /** The format error that stopped reading, or null. */
    public MigrationFormatException error() {
        return error;
    }

    public ObjectNode toJson(ObjectMapper m) {
        StreamSummary s = summary;
        ObjectNode o = m.createObjectNode();
        o.put("file", input.name());
        o.put("format", s.format());
        o.put("version", s.version);
        o.put("machine", s.machine);
        ArrayNode caps = o.putArray("capabilities");
        s.capabilities.forEach(caps::add);
        o.put("page_size", s.pageSize);
        ArrayNode blocks = o.putArray("ram_blocks");
        for (StreamSummary.Block b : s.blocks()) {
            ObjectNode bo = blocks.addObject();
            bo.put("name", b.name);
            bo.put("used_length", b.usedLength);
            bo.put("page_size", b.pageSize > 0 ? b.pageSize : s.pageSize);
            bo.put("page", b.pages.get(RamPage.Kind.PAGE));
            bo.put("zero", b.pages.get(RamPage.Kind.ZERO));
            bo.put("xbzrle", b.pages.get(RamPage.Kind.XBZRLE));
            bo.put("compressed", b.pages.get(RamPage.Kind.COMPRESSED));
            bo.put("mapped", b.pages.get(RamPage.Kind.MAPPED));
        }
        ObjectNode rec = o.putObject("ram_records");
        rec.put("page", s.pages.get(RamPage.Kind.PAGE));
        rec.put("zero", s.pages.get(RamPage.Kind.ZERO));
        rec.put("xbzrle", s.pages.get(RamPage.Kind.XBZRLE));
        rec.put("compressed", s.pages.get(RamPage.Kind.COMPRESSED));
        rec.put("mapped", s.pages.get(RamPage.Kind.MAPPED));
        rec.put("eos", s.eos);
        rec.put("multifd_flush", s.multifdFlush);
        rec.put("hook", s.hook);
        ArrayNode secs = o.putArray("sections");
        for (StreamSummary.Section x : s.sections()) {
            ObjectNode so = secs.addObject();
            so.put("id", x.id);
            so.put("name", x.name);
            so.put("instance", x.instance);
            so.put("version", x.version);
            so.put("start", x.start);
            so.put("part", x.part);
            so.put("end", x.end);
            so.put("full", x.full);
            so.put("bytes", x.bytes);
        }
        ObjectNode cmds = o.putObject("commands");
        s.commands.forEach(cmds::put);
        o.put("ram_iterations", s.ramIterations);
        if (footers == null) {
            o.putNull("footers");
        } else {
            o.put("footers", footers);
        }
        o.put("vmdesc", s.vmdesc);
        o.put("complete", s.complete);
        o.put("stream_bytes", s.streamEnd);
        o.put("vcpus", s.vcpus());
        o.put("run_state", s.runState());
        if (s.complete) {
            LoadHint hint = LoadHint.of(s, input);
            ObjectNode load = o.putObject("load");
            load.put("machine", hint.machine());
            hint.capabilities().forEach(load.putArray("capabilities")::add);
            load.put("uri", hint.uri());
            load.put("note", hint.note());
        }
        if (s.trailing != null) {
            ObjectNode t = o.putObject("trailing");
            t.put("kind", s.trailing.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            t.put("offset", s.trailing.offset());
            t.put("length", s.trailing.length());
            if (s.trailing.declared() >= 0) {
                t.put("declared_length", s.trailing.declared());
            }
        }
        ObjectNode src = o.putObject("source");
        src.put("kind", input.kind());
        src.put("seekable", input.seekable());
        IncrementHeader inc = input.increment();
        if (inc != null) {
            ObjectNode ino = o.putObject("increment");
            ino.put("base", inc.base());
            ino.put("result", inc.result());
            ino.put("pages", inc.pages());
            ino.put("stream_digest", inc.streamDigest());
        }
        LibvirtHeader h = input.libvirt();
        if (h != null) {
            ObjectNode lv = o.putObject("libvirt");
            lv.put("version", h.version());
            lv.put("format", h.formatName());
            lv.put("was_running", h.wasRunning());
            lv.put("complete", h.complete());
            lv.put("domain_xml", h.domainXml());
        }
        SnapshotChoice c = input.qcow2();
        if (c != null) {
            ObjectNode q = o.putObject("qcow2");
            SnapshotListing.image(q, c.image());
            ObjectNode sn = q.putObject("snapshot");
            SnapshotListing.snapshot(sn, c.snapshot());
            sn.put("note", c.note());
        }
        if (error != null) {
            ObjectNode err = o.putObject("error");
            err.put("message", error.getMessage());
            err.put("reason", error.reason().name());
            err.put("offset", error.offset());
        }
        return o;
    }
}
