package io.github.qmig.tools.dump;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Reason;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.SectionData;
import io.github.qmig.codec.SectionFooter;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.ramblock.MappedRamBlock;
import io.github.qmig.ramblock.MappedRamHeader;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamFlags;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamMemSize;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.tools.MigrationInput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link MigrationDump} from a reader's events in one pass. Non-RAM section payloads are
 * copied (within {@link DumpOptions}) because they can only be decoded once the VMDESCRIPTION, the
 * last record, has been read; RAM records are only counted. Mapped-ram page regions are not read:
 * their pages are counted from each block's bitmap.
 */
public final class DumpCollector {

    private static final int INITIAL_BUFFER = 256;

    private final String source;
    private final DumpOptions options;
    private final List<DumpRecord> records = new ArrayList<>();
    private final Map<String, BlockState> blocks = new LinkedHashMap<>();
    private FileHeader header;
    private Configuration configuration;
    private long eofOffset = -1;
    private VmDescription description;
    private long buffered;
    private int fullCount;

    private SectionHeader current;
    private byte[] payload;
    private int payloadLength;
    private RamState ram;

    /** A block's identity and counts over the whole stream. */
    private static final class BlockState {
        RamBlock block;
        MappedRamHeader mapped;
        final Counter pages = new Counter();

        BlockState(RamBlock block) {
            this.block = block;
        }
    }

    private static final class Counter {
        long page;
        long zero;
        long xbzrle;
        long compressed;
        long mapped;

        PageCounts snapshot() {
            return new PageCounts(page, zero, xbzrle, compressed, mapped);
        }
    }

    /** What the RAM section being read holds so far. */
    private static final class RamState {
        long memSize = -1;
        final List<RamBlockSummary> list = new ArrayList<>();
        final Map<String, Counter> pages = new LinkedHashMap<>();
        long eos;
        long flush;
        long hook;
    }

    public DumpCollector(String source, DumpOptions options) {
        this.source = source;
        this.options = options;
    }

    /** Reads {@code input} to the end and collects its dump. */
    public static MigrationDump read(MigrationInput input, DumpOptions options) throws IOException {
        ReadOptions ro = RamSectionCodec.withoutMappedPages(ReadOptions.defaults());
        ro = ro.withLimits(ro.limits().withMaxVmDescription(options.maxVmDescription()));
        try (MigrationReader reader = input.reader(ro)) {
            DumpCollector c = new DumpCollector(input.name(), options);
            io.github.qmig.tools.Pipeline.run(input, reader, c::accept);
            return c.finish(reader.pageSize(), reader.footers());
        }
    }

    /** Reads every remaining event of {@code reader} and collects its dump. */
    public static MigrationDump read(MigrationReader reader, String source, DumpOptions options) throws IOException {
        DumpCollector c = new DumpCollector(source, options);
        io.github.qmig.tools.Pipeline.run(reader, c::accept);
        return c.finish(reader.pageSize(), reader.footers());
    }

    public void accept(MigrationEvent e) throws IOException {
        if (e instanceof RamPage p) {
            countPage(p);
        } else if (e instanceof SectionData d) {
            append(d);
        } else if (e instanceof SectionHeader h) {
            closeSection(-1, h.offset());
            openSection(h);
        } else if (e instanceof SectionFooter f) {
            closeSection(f.offset(), f.offset());
        } else if (e instanceof RamBlockEntry b) {
            blockEntry(b.block());
        } else if (e instanceof MappedRamBlock m) {
            mappedBlock(m);
        } else if (e instanceof RamMemSize m) {
            ramState().memSize = m.totalBytes();
        } else if (e instanceof RamMarker m) {
            marker(m);
        } else if (e instanceof Command c) {
            closeSection(-1, c.offset());
            records.add(new DumpRecord.CommandRecord(c));
        } else if (e instanceof EndOfFile eof) {
            closeSection(-1, eof.offset());
            eofOffset = eof.offset();
        } else if (e instanceof FileHeader h) {
            header = h;
        } else if (e instanceof Configuration c) {
            configuration = c;
        } else if (e instanceof VmDescription v) {
            description = v;
        }
    }

    /**
     * The dump of everything accepted.
     *
     * @param pageSize the page size the reader used for RAM
     * @param footers  the reader's {@code footers()}
     * @throws MigrationFormatException if the VMDESCRIPTION is not a JSON object
     */
    public MigrationDump finish(int pageSize, Boolean footers) throws MigrationFormatException {
        closeSection(-1, -1);
        if (header == null) {
            throw new IllegalStateException("no file header was accepted");
        }
        VmDescriptionIndex index = null;
        if (description != null) {
            index = VmDescriptionIndex.parse(description.json(), options.maxVmDescription(), source,
                    description.offset());
        }
        List<RamBlockSummary> all = new ArrayList<>();
        for (BlockState b : blocks.values()) {
            all.add(new RamBlockSummary(b.block, b.mapped, b.pages.snapshot()));
        }
        return new MigrationDump(source, header, configuration, records, eofOffset, index,
                description != null ? description.offset() : -1,
                description != null ? description.json().remaining() : -1, pageSize, footers, all);
    }

    private void openSection(SectionHeader h) {
        current = h;
        payloadLength = 0;
        if (h.idstr().equals(RamSectionCodec.IDSTR)) {
            ram = new RamState();
            payload = null;
        } else {
            ram = null;
            payload = new byte[INITIAL_BUFFER];
        }
    }

    /** Ends the open section, if any, at {@code end} (its footer or the next record). */
    private void closeSection(long footerOffset, long end) {
        if (current == null) {
            return;
        }
        SectionHeader h = current;
        long payloadOffset = h.offset() + h.wireLength();
        long size = end >= 0 ? end - payloadOffset : payloadLength;
        ByteBuffer bytes = payload == null ? null : ByteBuffer.wrap(Arrays.copyOf(payload, payloadLength));
        RamSectionSummary summary = null;
        if (ram != null) {
            Map<String, PageCounts> pages = new LinkedHashMap<>();
            ram.pages.forEach((k, v) -> pages.put(k, v.snapshot()));
            summary = new RamSectionSummary(ram.memSize, ram.list, pages, ram.eos, ram.flush, ram.hook);
        }
        int full = h.type() == SectionType.FULL && ram == null ? fullCount++ : -1;
        records.add(new DumpRecord.Section(h, payloadOffset, size, footerOffset, bytes, summary, full));
        current = null;
        payload = null;
        ram = null;
    }

    private void append(SectionData d) throws MigrationFormatException {
        if (payload == null) {
            return; // bytes of a RAM section the codec did not decode: nothing to keep
        }
        long need = (long) payloadLength + d.length();
        if (need > options.maxSectionBytes()) {
            throw new MigrationFormatException(Reason.LIMIT_EXCEEDED, source, d.offset(), current.offset(),
                    current.section(), String.format("section payload over %d bytes (dump keeps at most %d per section)",
                    need - 1, options.maxSectionBytes()));
        }
        buffered += d.length();
        if (buffered > options.maxBufferedBytes()) {
            throw new MigrationFormatException(Reason.LIMIT_EXCEEDED, source, d.offset(), current.offset(),
                    current.section(), String.format("device payloads over %d bytes in all (dump's limit)",
                    options.maxBufferedBytes()));
        }
        if (need > payload.length) {
            payload = Arrays.copyOf(payload, (int) Math.min(options.maxSectionBytes(),
                    Math.max(need, 2L * payload.length)));
        }
        d.bytes().duplicate().get(payload, payloadLength, d.length());
        payloadLength = (int) need;
    }

    private RamState ramState() {
        if (ram == null) {
            ram = new RamState(); // RAM events outside a "ram" section: count them anyway
        }
        return ram;
    }

    private void blockEntry(RamBlock b) {
        ramState().list.add(new RamBlockSummary(b, null, PageCounts.NONE));
        BlockState s = blocks.get(b.idstr());
        if (s == null) {
            blocks.put(b.idstr(), new BlockState(b));
        } else {
            s.block = b;
        }
    }

    private void mappedBlock(MappedRamBlock m) {
        BlockState s = blocks.computeIfAbsent(m.block().idstr(), k -> new BlockState(m.block()));
        s.mapped = m.header();
        long set = m.setPages();
        s.pages.mapped += set;
        RamState r = ramState();
        r.pages.computeIfAbsent(m.block().idstr(), k -> new Counter()).mapped += set;
        List<RamBlockSummary> l = r.list;
        for (int i = l.size() - 1; i >= 0; i--) {
            if (l.get(i).block().idstr().equals(m.block().idstr())) {
                l.set(i, new RamBlockSummary(l.get(i).block(), m.header(), PageCounts.NONE));
                break;
            }
        }
    }

    private void countPage(RamPage p) {
        if (p.kind() == RamPage.Kind.MAPPED) {
            return; // counted from the bitmap in mappedBlock
        }
        String name = p.block().idstr();
        Counter global = blocks.computeIfAbsent(name, k -> new BlockState(p.block())).pages;
        Counter local = ramState().pages.computeIfAbsent(name, k -> new Counter());
        switch (p.kind()) {
            case PAGE -> {
                global.page++;
                local.page++;
            }
            case ZERO -> {
                global.zero++;
                local.zero++;
            }
            case XBZRLE -> {
                global.xbzrle++;
                local.xbzrle++;
            }
            case COMPRESSED -> {
                global.compressed++;
                local.compressed++;
            }
            default -> throw new IllegalStateException("page kind " + p.kind());
        }
    }

    private void marker(RamMarker m) {
        RamState r = ramState();
        if (m.flags() == RamFlags.EOS) {
            r.eos++;
        } else if (m.flags() == RamFlags.MULTIFD_FLUSH) {
            r.flush++;
        } else {
            r.hook++;
        }
    }
}
