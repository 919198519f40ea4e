package io.github.qmig.transform.salvage;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionFooter;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.ramblock.PageSet;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamMemSize;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.mapped.MappedRamBlock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Passes a reader's events on to a consumer and, when the input breaks off (cut short, or damaged
 * so that nothing after can be read), ends what the consumer got as a whole stream QEMU loads: a
 * RAM section left open gets its end-of-section flag ({@code RAM_SAVE_FLAG_EOS}) and footer, a
 * device section left open is taken back from the output (QEMU would fail on half a section), then
 * {@code QEMU_VM_EOF}. QEMU loads such a stream: devices it does not carry keep their reset state
 * ({@code qemu_loadvm_state_main} in migration/savevm.c reads sections until EOF, whichever come).
 * It keeps, per RAM block, which pages were sent (as data or zero), for the {@link SalvageReport}.
 */
public final class Salvager implements EventConsumer {

    private static final String RAM = "ram";

    /** Where the consumer writes its stream, to take a section back; null for a consumer that writes none. */
    public interface Rewind {
        long position();

        void truncate(long position) throws IOException;

        /** A file sink's position, cut back by {@link ByteSink#truncate}. */
        static Rewind of(ByteSink sink) {
            return new Rewind() {
                @Override
                public long position() {
                    return sink.position();
                }

                @Override
                public void truncate(long position) throws IOException {
                    sink.truncate(position);
                }
            };
        }
    }

    private final EventConsumer target;
    private final Rewind rewind;
    private final Map<String, PageSet> pages = new LinkedHashMap<>();
    private final Map<String, RamBlockEntry> entries = new LinkedHashMap<>();
    private final List<String> sections = new ArrayList<>();
    /** The RAM block list's MEM_SIZE total, and the bytes of blocks listed so far. */
    private long listTotal = -1;
    private long listed;
    private boolean configuration;
    private Boolean footers;
    private SectionHeader open;
    private long openAt = -1;
    private boolean ended;

    public Salvager(EventConsumer target, Rewind rewind) {
        this.target = target;
        this.rewind = rewind;
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        if (e instanceof Configuration) {
            configuration = true;
        } else if (e instanceof RamMemSize m) {
            listTotal = m.totalBytes();
            listed = 0;
        } else if (e instanceof RamBlockEntry b) {
            listed += b.block().usedLength();
            entries.putIfAbsent(b.block().idstr(), b);
            pages.computeIfAbsent(b.block().idstr(), k -> new PageSet(b.block().usedLength() / b.pageSize()));
        } else if (e instanceof RamPage p) {
            PageSet s = pages.get(p.block().idstr());
            if (s != null) {
                s.add(p.pageOffset() / entries.get(p.block().idstr()).pageSize());
            }
        } else if (e instanceof MappedRamBlock m) {
            PageSet s = pages.get(m.block().idstr());
            if (s != null) {
                s.addRange(0, s.pages()); // set bits are data in the file, clear bits zero pages
            }
        } else if (e instanceof SectionEnd end) {
            footers = end.hasFooter();
            if (!end.header().idstr().equals(RAM)) {
                sections.add(end.header().idstr() + " " + end.header().instanceId());
            }
            open = null;
        } else if (e instanceof EndOfFile) {
            ended = true;
        }
        target.accept(e);
        if (e instanceof SectionHeader h) {
            open = h;
            // the header just written ends here (a consumer may have written a section of its own before it)
            openAt = rewind == null ? -1 : rewind.position() - encodedLength(h);
        }
    }

    @Override
    public void end() throws IOException {
        target.end();
    }

    /**
     * Ends the consumer's stream after the input broke off with {@code cut}, and says what it holds.
     *
     * @throws MigrationFormatException {@code cut} itself when nothing loadable can be made: the break
     *         comes before the RAM block list is whole, or after the stream's end
     */
    public SalvageReport salvage(String input, MigrationFormatException cut) throws IOException {
        if (ended || (listTotal >= 0 && listed < listTotal)) {
            throw cut;
        }
        long at = rewind == null ? cut.offset() : rewind.position();
        String dropped = null;
        if (open != null && open.idstr().equals(RAM)) {
            target.accept(RamMarker.eos(at));
            long footerAt = -1;
            if (footers != null ? footers : configuration) { // both came with machine types 2.4
                footerAt = at + 8;
                target.accept(new SectionFooter(footerAt, open.sectionId()));
            }
            target.accept(new SectionEnd(footerAt >= 0 ? footerAt + 5 : at + 8, open, open.offset(), 0, footerAt));
        } else if (open != null) {
            dropped = open.idstr() + " " + open.instanceId();
            if (rewind != null) {
                rewind.truncate(openAt);
            }
        }
        target.accept(new EndOfFile(rewind == null ? at : rewind.position()));
        target.end();
        return new SalvageReport(input, cut, blocks(), sections, dropped);
    }

    private List<SalvageReport.Block> blocks() throws IOException {
        List<SalvageReport.Block> out = new ArrayList<>();
        for (Map.Entry<String, PageSet> b : pages.entrySet()) {
            PageSet s = b.getValue();
            int pageSize = entries.get(b.getKey()).pageSize();
            List<long[]> runs = new ArrayList<>();
            s.forEachMissingRun((start, length) -> {
                if (runs.size() < SalvageReport.RUNS_LISTED) {
                    runs.add(new long[] {start * pageSize, length * pageSize});
                }
            });
            out.add(new SalvageReport.Block(b.getKey(), s.pages(), s.count(), pageSize, runs));
        }
        return out;
    }

    /** The block's pages known so far (for a consumer that records them per block). */
    public PageSet pages(RamBlock block) {
        return pages.get(block.idstr());
    }

    /** Bytes of a section header as {@code MigrationWriter} writes it. */
    private static int encodedLength(SectionHeader h) {
        return 1 + 4 + (h.type().hasFullHeader() ? 1 + h.idstr().getBytes(StandardCharsets.ISO_8859_1).length + 4 + 4 : 0);
    }
}
