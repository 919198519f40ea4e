package io.github.qmig.mappedram;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionFooter;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationWriter;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.ramblock.PageReplayer;
import io.github.qmig.ramblock.PageSource;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamFlags;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.SparsePageStore;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.ramblock.mapped.MappedRamBlockEnd;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a plain migration stream from the events of any stream. A plain input passes through
 * unchanged (byte for byte). A mapped-ram input loses its layout (format reference 8.8): the
 * configuration drops {@code mapped-ram}, block list entries lose their MappedRamHeader and region,
 * and the first RAM PART/END section carries every page as a record, in block order: PAGE for a
 * set bitmap bit, ZERO for a clear one, the block name sent once per block and CONTINUE after it
 * ({@code save_page_header}).
 *
 * <p>Pages come from the input file in place when it is seekable ({@link MappedRamPages}, reader
 * run without mapped pages); from a pipe they are collected in a temporary sparse file.
 *
 * <p><b>Normalized.</b> With {@code normalize}, a plain stream is written the same way: every page
 * record of the input (PAGE, ZERO, XBZRLE, zlib, in any number of iterations) is replayed into the
 * temporary store, and the first RAM PART/END section carries each page once as a PAGE or ZERO
 * record: a stream any QEMU loads, whatever record kinds its source used.
 */
public final class MappedRamToStream implements EventConsumer, AutoCloseable {

    private static final int RUN = 256;
    private static final String RAM = "ram";

    private final MigrationWriter out;
    private final ByteSink sink;
    private final MappedRamPages inPlace;
    private final Path tempDir;
    private final boolean normalize;
    private SparsePageStore store;
    private PageReplayer replayer;
    private FileChannel temp;
    private Path tempFile;
    private long tempEnd;
    private boolean mapped;
    private List<String> capabilities;
    private boolean pagesWritten;
    /** The RAM section being read (null outside one), the last RAM section seen, whether sections have footers. */
    private SectionHeader ramSection;
    private SectionHeader lastRam;
    private boolean footers;
    private int pageSize;
    private long lastOffset;
    private final List<RamBlock> blocks = new ArrayList<>();

    /**
     * @param inPlace whether the input's pages are read in place from its file (the reader run without
     *                mapped pages); else they are collected from the events
     * @param tempDir where to collect pages from a pipe
     */
    public MappedRamToStream(ByteSink sink, boolean inPlace, Path tempDir) {
        this(sink, inPlace, tempDir, false);
    }

    /** @param normalize write every page once as PAGE or ZERO, whatever the input's records (see the class comment) */
    public MappedRamToStream(ByteSink sink, boolean inPlace, Path tempDir, boolean normalize) {
        this.sink = sink;
        this.out = MigrationWriter.of(sink);
        this.inPlace = inPlace ? new MappedRamPages() : null;
        this.tempDir = tempDir;
        this.normalize = normalize;
    }

    /** Whether pages are rewritten: a mapped-ram input, or any input when normalizing. */
    private boolean rewriting() {
        return mapped || normalize;
    }

    /** Whether the pages come from the input file in place (a mapped-ram file) rather than the store. */
    private boolean fromFile() {
        return mapped && inPlace != null;
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        lastOffset = e.offset();
        if (e instanceof RamPage p && (p.kind() == RamPage.Kind.MAPPED || normalize)) {
            if (!fromFile()) {
                replayer.apply(p);
            }
        } else if (e instanceof MappedRamBlock m) {
            if (fromFile()) {
                inPlace.add(m);
            }
        } else if (e instanceof MappedRamBlockEnd) {
            return;
        } else if (e instanceof Configuration c) {
            mapped = c.hasCapability(MappedRamWriter.CAPABILITY);
            List<String> caps = new ArrayList<>(c.capabilities());
            caps.remove(MappedRamWriter.CAPABILITY);
            capabilities = caps;
            out.write(mapped ? c.withCapabilities(caps) : c);
        } else if (e instanceof RamBlockEntry b) {
            out.write(b);
            pageSize = b.pageSize();
            if (rewriting() && !blocks.contains(b.block())) {
                blocks.add(b.block());
                if (!fromFile()) {
                    collect(b.block());
                }
            }
        } else if (e instanceof VmDescription v && mapped) {
            out.write(v.withCapabilities(capabilities)); // its configuration object describes the record
        } else if (e instanceof SectionHeader h) {
            if (h.idstr().equals(RAM)) {
                ramSection = h;
                lastRam = h;
            } else if (h.type() == SectionType.FULL) {
                endOfRam(); // device state: the iterations are over
            }
            out.write(h);
            // a mapped-ram input has every page in its file from the start: the first iteration carries them
            if (mapped && !pagesWritten && h.idstr().equals(RAM)
                    && (h.type() == SectionType.PART || h.type() == SectionType.END)) {
                writePages();
            }
        } else if (e instanceof RamMarker m && m.isEos() && normalize && !mapped
                && ramSection != null && ramSection.type() == SectionType.END && !pagesWritten) {
            writePages(); // a stream's pages are all in hand only at the end of its last RAM section
            out.write(e);
        } else if (e instanceof SectionEnd s) {
            footers = s.hasFooter();
            if (s.header() == ramSection) {
                ramSection = null;
            }
            out.write(e);
        } else {
            if (e instanceof EndOfFile) {
                endOfRam();
            }
            out.write(e);
        }
    }

    /**
     * A normalized stream whose RAM ended without an END section (a background snapshot: its RAM
     * iterations are all PART) gets its pages in one more PART section, before its device state.
     */
    private void endOfRam() throws IOException {
        if (!normalize || mapped || pagesWritten || lastRam == null) {
            return;
        }
        SectionHeader part = new SectionHeader(sink.position(), SectionType.PART, lastRam.section());
        out.write(part);
        writePages();
        RamMarker.eos(sink.position()).writeTo(sink);
        if (footers) {
            out.write(new SectionFooter(sink.position(), part.sectionId()));
        }
    }

    private void collect(RamBlock b) throws IOException {
        if (store == null) {
            store = new SparsePageStore(pageSize);
            replayer = new PageReplayer(store);
            tempFile = Files.createTempFile(tempDir, ".qmig-pages", ".tmp");
            temp = FileChannel.open(tempFile, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        }
        store.declare(b, temp, tempEnd);
        tempEnd += b.usedLength();
    }

    private void writePages() throws IOException {
        pagesWritten = true;
        PageSource pages = fromFile() ? inPlace : store;
        if (store != null) {
            store.flush();
        }
        byte[] run = new byte[RUN * pageSize];
        RamPage page = new RamPage();
        for (RamBlock b : blocks) {
            long count = b.usedLength() / pageSize;
            boolean named = false;
            for (long i = 0; i < count; ) {
                int n = 1;
                if (pages.present(b, i)) {
                    while (n < RUN && i + n < count && pages.present(b, i + n)) {
                        n++;
                    }
                    if (fromFile()) {
                        inPlace.readRun(b, i, n, run, 0);
                    } else {
                        for (int k = 0; k < n; k++) {
                            pages.read(b, i + k, run, k * pageSize);
                        }
                    }
                    for (int k = 0; k < n; k++) {
                        int flags = RamFlags.PAGE | (named ? RamFlags.CONTINUE : 0);
                        page.set(sink.position(), RamPage.Kind.PAGE, flags, b, (i + k) * pageSize, run, k * pageSize, pageSize)
                                .writeTo(sink);
                        named = true;
                    }
                } else {
                    int flags = RamFlags.ZERO | (named ? RamFlags.CONTINUE : 0);
                    page.set(sink.position(), RamPage.Kind.ZERO, flags, b, i * pageSize, run, RUN * pageSize - 1, 1);
                    run[RUN * pageSize - 1] = 0;
                    page.writeTo(sink);
                    named = true;
                }
                i += n;
            }
        }
    }

    /** After the last event: checks that the pages found a section to travel in, and flushes. */
    @Override
    public void end() throws IOException {
        if (rewriting() && !blocks.isEmpty() && !pagesWritten) {
            throw MigrationFormatException.of(Code.CORRUPT, lastOffset,
                    "stream without a RAM PART or END section to carry its pages");
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (replayer != null) {
            replayer.close();
        }
        if (temp != null) {
            temp.close();
        }
    }
}
