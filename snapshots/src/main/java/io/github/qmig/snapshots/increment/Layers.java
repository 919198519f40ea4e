package io.github.qmig.snapshots.increment;

import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.ZlibPages;
import io.github.qmig.snapshots.PageEvents;
import io.github.qmig.snapshots.PageRecords;
import io.github.qmig.snapshots.SavedState;
import io.github.qmig.snapshots.Skeleton;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A base save and increments on it, base to top, presented as the save of the top level: the
 * top increment's skeleton (its device state, configuration, block list) carrying, for every page
 * of its blocks, the record of the highest layer that has it. One pass over each layer, no level
 * in between is built, and what is kept per page is the increments' tables and a fingerprint (see
 * {@link SavedState}).
 *
 * <p>Checked before anything is written: every increment's bytes (by the input layer, at open),
 * that each one is based on the result of the one before it. Checked once the base has been read:
 * that its state is the first increment's base, and that each increment gives the state its header
 * names. {@link #verify()} makes those checks in a pass of its own, for an output that cannot be
 * taken back (a pipe); an output file is removed when they fail.
 */
public final class Layers implements Closeable {

    private final String base;
    private final List<SavedState> increments;
    private final ReadLimits limits;
    private final Path tempDir;
    private boolean verified;

    private Layers(String base, List<SavedState> increments, ReadLimits limits, Path tempDir) {
        this.base = base;
        this.increments = increments;
        this.limits = limits;
        this.tempDir = tempDir;
    }

    /**
     * Opens the increments (base to top) and checks their chain of digests.
     *
     * @param base the base save, a file or {@code -}; read later
     * @throws MigrationFormatException INCREMENT_BASE_MISMATCH for a link that does not hold,
     *         INCREMENT_DAMAGED (from the input) for a damaged increment, BAD_MAGIC for a file that
     *         is not an increment
     */
    public static Layers open(String base, List<String> increments, ReadLimits limits, Path tempDir) throws IOException {
        if (increments.isEmpty()) {
            throw new IllegalArgumentException("no increment to apply");
        }
        List<SavedState> states = new ArrayList<>();
        try {
            SavedState.Options o = SavedState.Options.plain(tempDir).withLimits(limits).withFingerprints(true);
            for (String f : increments) {
                SavedState d = SavedState.read(f, o);
                states.add(d);
                IncrementHeader h = d.increment();
                if (h == null) {
                    throw new MigrationFormatException(Code.BAD_MAGIC, d.name(), 0, -1, null,
                            "not a qmig increment (a full save goes first, as the base)");
                }
                if (d.pageSize() != states.get(0).pageSize()) {
                    throw new MigrationFormatException(Code.INCREMENT_BASE_MISMATCH, d.name(), 0, -1, null, String.format(
                            "%d-byte pages, but %s has %d-byte pages", d.pageSize(), states.get(0).name(), states.get(0).pageSize()));
                }
                if (states.size() > 1) {
                    SavedState prev = states.get(states.size() - 2);
                    if (!h.base().equals(prev.increment().result())) {
                        throw new MigrationFormatException(Code.INCREMENT_BASE_MISMATCH, d.name(), 32, -1, null, String.format(
                                "based on state %s, but %s before it gives state %s: an increment is missing between them, "
                                        + "or they are out of order",
                                IncrementHeader.shortForm(h.base()), prev.name(), IncrementHeader.shortForm(prev.increment().result())));
                    }
                }
            }
            return new Layers(base, states, limits, tempDir);
        } catch (IOException | RuntimeException e) {
            for (SavedState s : states) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The increments, base to top. */
    public List<SavedState> increments() {
        return List.copyOf(increments);
    }

    /** Whether the base is standard input (it can be read only once). */
    public boolean baseIsStandardInput() {
        return base.equals("-");
    }

    /** The top increment: its state is what the layers give. */
    public SavedState top() {
        return increments.get(increments.size() - 1);
    }

    /**
     * Reads the base and checks that it is the first increment's base and that each increment
     * gives the state its header names, writing nothing; afterwards {@link #feed} does not check
     * again.
     *
     * @throws IllegalStateException if the base is standard input (it could not be read again)
     */
    public void verify() throws IOException {
        if (base.equals("-")) {
            throw new IllegalStateException("a base read from standard input cannot be read twice");
        }
        SavedState.Options o = SavedState.Options.plain(tempDir).withLimits(limits).withFingerprints(true);
        try (SavedState b = SavedState.read(base, o)) {
            check(b);
        }
        verified = true;
    }

    private void check(SavedState b) throws IOException {
        if (b.increment() != null) {
            throw new MigrationFormatException(Code.INCREMENT_BASE_MISMATCH, b.name(), 0, -1, null,
                    "an increment, not a full save: give the save it is based on (or one of its own bases) as the base");
        }
        if (b.pageSize() != top().pageSize()) {
            throw new MigrationFormatException(Code.INCREMENT_BASE_MISMATCH, b.name(), 0, -1, null, String.format(
                    "%d-byte pages, but the increments have %d-byte pages", b.pageSize(), top().pageSize()));
        }
        List<String> digests = LevelDigests.of(b, increments, tempDir);
        SavedState first = increments.get(0);
        if (!digests.get(0).equals(first.increment().base())) {
            throw new MigrationFormatException(Code.INCREMENT_BASE_MISMATCH, b.name(), 0, -1, null, String.format(
                    "its state is %s, but %s is based on state %s: not the base of that increment",
                    IncrementHeader.shortForm(digests.get(0)), first.name(), IncrementHeader.shortForm(first.increment().base())));
        }
        for (int i = 0; i < increments.size(); i++) {
            SavedState d = increments.get(i);
            if (!digests.get(i + 1).equals(d.increment().result())) {
                throw new MigrationFormatException(Code.INCREMENT_DAMAGED, d.name(), 64, -1, null, String.format(
                        "applied to its base it gives state %s, not the %s its header names",
                        IncrementHeader.shortForm(digests.get(i + 1)), IncrementHeader.shortForm(d.increment().result())));
            }
        }
    }

    /**
     * The one pass: the top level's events, each layer's pages where the skeleton carries pages,
     * to the consumers, then their {@code end()}.
     */
    public void feed(EventConsumer... consumers) throws IOException {
        Skeleton top = top().skeleton();
        PageEvents pages = to -> {
            PageRecords records = new PageRecords();
            basePages(records, to);
            for (int i = 0; i < increments.size(); i++) {
                incrementPages(i, records, to);
            }
        };
        top.feed(pages, consumers);
    }

    private void basePages(PageRecords records, EventConsumer to) throws IOException {
        SavedState.Options o = SavedState.Options.plain(tempDir).withLimits(limits).withFingerprints(!verified);
        try (SavedState b = SavedState.read(MigrationInput.open(base, 0, limits), o, new BasePages(records, to))) {
            if (!verified) {
                check(b);
            }
        }
    }

    /** The pages increment {@code i} has that no later one has, within the top's blocks. */
    private void incrementPages(int i, PageRecords records, EventConsumer to) throws IOException {
        SavedState d = increments.get(i);
        byte[] page = new byte[d.pageSize()];
        for (RamBlock b : d.blocks()) {
            RamBlock out = top().block(b.idstr());
            if (out == null) {
                continue;
            }
            long pages = Math.min(b.usedLength(), out.usedLength()) / d.pageSize();
            SavedState.SentPages[] sent = sentPages(b.idstr());
            for (long k = 0; k < pages; k++) {
                if (!sent[i].sent(k) || sentAfter(i, sent, k)) {
                    continue;
                }
                long offset = k * d.pageSize();
                if (d.knownZero(b.idstr(), k)) {
                    to.accept(records.zero(0, out, offset));
                } else {
                    d.read(b.idstr(), k, page, 0);
                    to.accept(records.page(0, out, offset, page, 0, page.length));
                }
            }
        }
    }

    /** Each increment's sent pages of the block (null where it has no such block). */
    private SavedState.SentPages[] sentPages(String block) {
        SavedState.SentPages[] out = new SavedState.SentPages[increments.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = increments.get(j).sentPages(block);
        }
        return out;
    }

    /** Whether an increment after the {@code i}-th has page {@code k} of the block (its {@link #sentPages}). */
    private static boolean sentAfter(int i, SavedState.SentPages[] sent, long k) throws IOException {
        for (int j = sent.length - 1; j > i; j--) {
            if (sent[j] != null && k < sent[j].pages() && sent[j].sent(k)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The base's page records that no increment overrides, within the top's blocks, re-flagged for
     * the output (CONTINUE) and named by the top's blocks; zlib pages inflated (QEMU 9.1 and later
     * reject them), XBZRLE records kept as they are (they apply to the base's record before them,
     * which goes out too).
     */
    private final class BasePages implements EventConsumer {
        private final PageRecords records;
        private final EventConsumer to;
        private ZlibPages zlib;
        private byte[] page;
        private RamBlock lastBlock;
        private RamBlock lastOut;
        private SavedState.SentPages[] lastSent;

        BasePages(PageRecords records, EventConsumer to) {
            this.records = records;
            this.to = to;
        }

        @Override
        public void accept(MigrationEvent e) throws IOException {
            if (!(e instanceof RamPage p)) {
                return;
            }
            String name = p.block().idstr();
            if (p.block() != lastBlock) { // the lookups by name, once per block
                lastBlock = p.block();
                lastOut = top().block(name);
                lastSent = sentPages(name);
            }
            RamBlock out = lastOut;
            int ps = top().pageSize();
            long k = p.pageOffset() >>> Integer.numberOfTrailingZeros(ps);
            if (out == null || p.pageOffset() >= out.usedLength() || sentAfter(-1, lastSent, k)) {
                return;
            }
            switch (p.kind()) {
                case PAGE, MAPPED -> to.accept(records.page(p.offset(), out, p.pageOffset(), p.array(), p.arrayOffset(), p.length()));
                case ZERO -> {
                    if (p.fillByte() == 0) {
                        to.accept(records.zero(p.offset(), out, p.pageOffset()));
                    } else {
                        to.accept(records.page(p.offset(), out, p.pageOffset(), filled(ps, p.fillByte()), 0, ps));
                    }
                }
                case XBZRLE -> to.accept(records.xbzrle(p.offset(), out, p.pageOffset(), p.array(), p.arrayOffset(), p.length()));
                case COMPRESSED -> {
                    if (zlib == null) {
                        zlib = new ZlibPages();
                        page = new byte[ps];
                    }
                    if (!zlib.inflate(p.array(), p.arrayOffset(), p.length(), page, 0, ps)) {
                        throw MigrationFormatException.of(Code.RAM_ZLIB_INVALID, p.offset(),
                                "zlib page for %s+0x%x does not inflate to %d bytes", name, p.pageOffset(), ps);
                    }
                    to.accept(records.page(p.offset(), out, p.pageOffset(), page, 0, ps));
                }
                default -> throw new IllegalStateException(p.kind().toString());
            }
        }

        private byte[] filled(int ps, int fill) {
            if (page == null) {
                page = new byte[ps];
            }
            Arrays.fill(page, (byte) fill);
            return page;
        }

        @Override
        public void end() {
            if (zlib != null) {
                zlib.close();
            }
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SavedState s : increments) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
