package io.github.qmig.inspect.dump;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.SectionData;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.ramblock.PageTally;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamFlags;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamMemSize;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.ramblock.mapped.MappedRamHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link MigrationDump} from a stream's events in one pass. Non-RAM section payloads are
 * copied (within the {@link ReadLimits} of {@code dump}) because they can only be decoded once the
 * VMDESCRIPTION, the last record, has been read; RAM records are only counted. Mapped-ram page
 * regions are not read: their pages are counted from each block's bitmap.
 */
public final class DumpCollector implements EventConsumer {

    private static final int INITIAL_BUFFER = 256;

    private final String source;
    private final ReadLimits limits;
    private final List<DumpRecord> records = new ArrayList<>();
    private final Map<String, BlockState> blocks = new LinkedHashMap<>();
    private FileHeader header;
    private Configuration configuration;
    private long eofOffset = -1;
    private VmDescription description;
    private Boolean footers;
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
        final PageTally pages = new PageTally();

        BlockState(RamBlock block) {
            this.block = block;
        }
    }

    /** What the RAM section being read holds so far. */
    private static final class RamState {
        long memSize = -1;
        final List<RamBlockSummary> list = new ArrayList<>();
        final Map<String, PageTally> pages = new LinkedHashMap<>();
        long eos;
        long flush;
        long hook;

        PageTally pages(String block) {
            return pages.computeIfAbsent(block, k -> new PageTally());
        }
    }

    public DumpCollector(String source, ReadLimits limits) {
        this.source = source;
        this.limits = limits;
    }

    /** Reads {@code input} to the end and collects its dump. */
    public static MigrationDump read(MigrationInput input, ReadLimits limits) throws IOException {
        ReadOptions ro = RamSectionCodec.withoutMappedPages(ReadOptions.defaults().withLimits(limits));
        try (MigrationReader reader = input.reader(ro)) {
            DumpCollector c = new DumpCollector(input.name(), limits);
            reader.feed(c);
            return c.finish(reader.pageSize());
        }
    }

    /** Reads every remaining event of {@code reader} and collects its dump. */
    public static MigrationDump read(MigrationReader reader, String source, ReadLimits limits) throws IOException {
        DumpCollector c = new DumpCollector(source, limits);
        reader.feed(c);
        return c.finish(reader.pageSize());
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        if (e instanceof RamPage p) {
            countPage(p);
        } else if (e instanceof SectionData d) {
            append(d);
        } else if (e instanceof SectionHeader h) {
            openSection(h);
        } else if (e instanceof SectionEnd s) {
            closeSection(s.payloadOffset(), s.payloadLength(), s.footerOffset());
            if (footers == null) {
                footers = s.hasFooter(); // the reader holds every later section to the first one's rule
            }
        } else if (e instanceof RamBlockEntry b) {
            blockEntry(b.block());
        } else if (e instanceof MappedRamBlock m) {
            mappedBlock(m);
        } else if (e instanceof RamMemSize m) {
            ramState().memSize = m.totalBytes();
        } else if (e instanceof RamMarker m) {
            marker(m);
        } else if (e instanceof Command c) {
            records.add(new DumpRecord.CommandRecord(c));
        } else if (e instanceof EndOfFile eof) {
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
     * A VMDESCRIPTION that does not parse leaves every device section undecoded (as hex) and is
     * said in {@link MigrationDump#descriptionError()}: QEMU never reads it, so the file is fine.
     */
    public MigrationDump finish(int pageSize) {
        if (current != null) {
            closeSection(current.offset() + current.wireLength(), payloadLength, -1);
        }
        if (header == null) {
            throw new IllegalStateException("no file header was accepted");
        }
        Description parsed = null;
        String error = null;
        if (description != null) {
            try {
                parsed = description.description();
            } catch (MigrationFormatException e) {
                error = e.inContext(source, null, description.offset()).getMessage(); // device state stays hex
            }
        }
        List<RamBlockSummary> all = new ArrayList<>();
        for (BlockState b : blocks.values()) {
            all.add(new RamBlockSummary(b.block, b.mapped, b.pages.snapshot()));
        }
        return new MigrationDump(source, header, configuration, records, eofOffset, parsed, error,
                description != null ? description.offset() : -1,
                description != null ? description.length() : -1, pageSize, footers, all);
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

    private void closeSection(long payloadOffset, long size, long footerOffset) {
        SectionHeader h = current;
        ByteBuffer bytes = payload == null ? null : ByteBuffer.wrap(Arrays.copyOf(payload, payloadLength));
        RamSectionSummary summary = null;
        if (ram != null) {
            Map<String, PageTally.Counts> pages = new LinkedHashMap<>();
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
        if (need > limits.maxSectionBuffer()) {
            throw MigrationFormatException.of(Code.LIMIT_EXCEEDED, d.offset(),
                    "section payload over %d bytes (dump keeps at most %d per section)", need - 1,
                    limits.maxSectionBuffer());
        }
        buffered += d.length();
        if (buffered > limits.maxBufferedPayload()) {
            throw MigrationFormatException.of(Code.LIMIT_EXCEEDED, d.offset(),
                    "device payloads over %d bytes in all (dump's limit)", limits.maxBufferedPayload());
        }
        if (need > payload.length) {
            payload = Arrays.copyOf(payload, (int) Math.min(limits.maxSectionBuffer(),
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
        ramState().list.add(new RamBlockSummary(b, null, PageTally.Counts.NONE));
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
        s.pages.add(RamPage.Kind.MAPPED, set);
        RamState r = ramState();
        r.pages(m.block().idstr()).add(RamPage.Kind.MAPPED, set);
        List<RamBlockSummary> l = r.list;
        for (int i = l.size() - 1; i >= 0; i--) {
            if (l.get(i).block().idstr().equals(m.block().idstr())) {
                l.set(i, new RamBlockSummary(l.get(i).block(), m.header(), PageTally.Counts.NONE));
                break;
            }
        }
    }

    private void countPage(RamPage p) {
        if (p.kind() == RamPage.Kind.MAPPED) {
            return; // counted from the bitmap in mappedBlock
        }
        String name = p.block().idstr();
        blocks.computeIfAbsent(name, k -> new BlockState(p.block())).pages.add(p);
        ramState().pages(name).add(p);
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
