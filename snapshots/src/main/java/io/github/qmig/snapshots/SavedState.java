package io.github.qmig.snapshots;

import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.PositionalInput;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.input.StreamDigest;
import io.github.qmig.ramblock.Pages;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The final state of one save, read in one pass ({@link StateScanner}) without a copy of its RAM:
 * per page one 8-byte entry in a temporary {@link PageTable} says where the page's final content
 * is. With a <b>reference</b> state (the A of {@code diff A B}, an increment's base, a chain's
 * top), pages equal to the reference's are recorded as such and their content is never stored.
 *
 * <pre>
 * entry    meaning                                   content
 * 0        never sent                                zero (what a fresh QEMU holds)
 * 1        zero (ZERO record, or a page of zeros)     zero
 * 2        equal to the reference's page              the reference's
 * FILE(p)  a PAGE or mapped-ram page at offset p     read in place from the input file
 * SPILL(p) decoded XBZRLE/zlib pages, pipe pages      a temporary file ({@link PageSpill})
 * </pre>
 *
 * So the only copy of page contents is of those that differ from the reference and are not in a
 * file that can be read in place: a pipe's changed pages ({@code chain push DIR -}), or XBZRLE and
 * zlib pages. With {@linkplain Options#fingerprints fingerprints}, a second table keeps each page's
 * fingerprint, for the {@linkplain StateDigest state digest}. The state keeps its input open (pages
 * are read from it) until {@link #close()}.
 */
public final class SavedState implements StateView, Closeable {

    static final long UNSEEN = 0;
    static final long ZERO = 1;
    static final long SAME = 2;
    private static final int IN_FILE = 1;
    private static final int IN_SPILL = 2;

    /**
     * How to read a state.
     *
     * @param reference    the state pages are compared with as they arrive, or null
     * @param fingerprints whether to keep every page's fingerprint (for {@link #digest()})
     * @param tempDir      where the temporary tables and spilled pages go
     */
    public record Options(StateView reference, boolean fingerprints, ReadLimits limits, Path tempDir) {
        public static Options plain(Path tempDir) {
            return new Options(null, false, ReadLimits.defaults(), tempDir);
        }

        public Options withReference(StateView ref) {
            return new Options(ref, fingerprints, limits, tempDir);
        }

        public Options withFingerprints(boolean on) {
            return new Options(reference, on, limits, tempDir);
        }

        public Options withLimits(ReadLimits l) {
            return new Options(reference, fingerprints, l, tempDir);
        }
    }

    /** A block of the state and where its pages' entries start. */
    record Slot(RamBlock block, long base, long pages) {
    }

    private final String name;
    private final MigrationInput input;
    private final Options options;
    private final Skeleton skeleton;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final PageTable entries;
    private final PageTable fingerprints;
    private PageSpill spill;
    private PositionalInput file;
    private int pageSize;
    private int pageShift;
    private long zeroFingerprint;
    private long streamBytes;

    private SavedState(MigrationInput input, Options options) {
        this.name = input.name();
        this.input = input;
        this.options = options;
        this.skeleton = new Skeleton(options.limits());
        this.entries = new PageTable(options.tempDir());
        this.fingerprints = options.fingerprints() ? new PageTable(options.tempDir()) : null;
    }

    /** Reads {@code file} ({@code -} for standard input): any input qmig reads, an increment too. */
    public static SavedState read(String file, Options options) throws IOException {
        return read(MigrationInput.open(file, 0, options.limits()), options);
    }

    /**
     * Reads an input to its end, handing every event to {@code also} as well (a writer of the same
     * pass); the state owns the input from now on.
     */
    public static SavedState read(MigrationInput in, Options options, EventConsumer... also) throws IOException {
        SavedState s = new SavedState(in, options);
        try {
            ReadOptions ro = RamSectionCodec.register(ReadOptions.defaults().withLimits(options.limits()));
            MigrationReader r = also.length > 0 ? in.writingReader(ro) : in.reader(ro);
            s.file = in.source().positional();
            long start = in.source().position();
            EventConsumer[] all = new EventConsumer[also.length + 1];
            all[0] = new StateScanner(s, s.file);
            System.arraycopy(also, 0, all, 1, also.length);
            r.feed(all);
            s.streamBytes = r.position() - start;
            return s;
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ for the scanner

    Options options() {
        return options;
    }

    /** Declares a block of the block list; a repeated list must repeat it exactly. */
    Slot declare(RamBlock b, int pageSize) throws IOException {
        Slot s = slots.get(b.idstr());
        if (s != null) {
            if (s.block().usedLength() != b.usedLength()) {
                throw io.github.qmig.codec.MigrationFormatException.of(
                        io.github.qmig.codec.MigrationFormatException.Code.RAM_SIZE_MISMATCH, -1,
                        "RAM block '%s' listed again with another length", b.idstr());
            }
            return s;
        }
        if (this.pageSize == 0) {
            this.pageSize = pageSize;
            this.pageShift = Integer.numberOfTrailingZeros(pageSize); // page sizes are powers of two
            this.zeroFingerprint = StreamDigest.fingerprint(new byte[pageSize], 0, pageSize);
            this.spill = new PageSpill(options.tempDir(), pageSize);
        }
        long pages = b.usedLength() / pageSize;
        if (entries.size() + pages > options.limits().maxStatePages()) {
            throw io.github.qmig.codec.MigrationFormatException.of(
                    io.github.qmig.codec.MigrationFormatException.Code.LIMIT_EXCEEDED, -1,
                    "more than %d pages of RAM (the limit of pages a state keeps track of)", options.limits().maxStatePages());
        }
        s = new Slot(b, entries.extend(pages), pages);
        if (fingerprints != null) {
            fingerprints.extend(pages);
        }
        slots.put(b.idstr(), s);
        return s;
    }

    Slot slot(String block) {
        Slot s = slots.get(block);
        if (s == null) {
            throw new IllegalArgumentException(name + " has no RAM block " + block);
        }
        return s;
    }

    Skeleton skeletonSink() {
        return skeleton;
    }

    PageTable entries() {
        return entries;
    }

    PageTable fingerprintTable() {
        return fingerprints;
    }

    PageSpill spill() {
        return spill;
    }

    long zeroFingerprint() {
        return zeroFingerprint;
    }

    static long inFile(long position) {
        return (position + 1) << 2 | IN_FILE;
    }

    static long inSpill(long position) {
        return (position + 1) << 2 | IN_SPILL;
    }

    // ------------------------------------------------------------------ the state

    /** The input's name. */
    public String name() {
        return name;
    }

    /** The increment's header if this state was read from one, else null. */
    public IncrementHeader increment() {
        return input.increment();
    }

    /** Everything but the pages. */
    public Skeleton skeleton() {
        return skeleton;
    }

    /** Bytes of QEMU stream read. */
    public long streamBytes() {
        return streamBytes;
    }

    /** The reference the state was compared with, or null. */
    public StateView reference() {
        return options.reference();
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public List<RamBlock> blocks() {
        List<RamBlock> out = new ArrayList<>(slots.size());
        slots.values().forEach(s -> out.add(s.block()));
        return out;
    }

    @Override
    public RamBlock block(String name) {
        Slot s = slots.get(name);
        return s == null ? null : s.block();
    }

    /** The pages of one block that records named, for loops over many pages (no lookup by name for each). */
    public interface SentPages {
        /** Pages of the block. */
        long pages();

        /** Whether a record named page {@code index} ({@code index} below {@link #pages()}). */
        boolean sent(long index) throws IOException;
    }

    /** The sent pages of the block named {@code block}, or null if the state has no such block. */
    public SentPages sentPages(String block) {
        Slot s = slots.get(block);
        if (s == null) {
            return null;
        }
        return new SentPages() {
            @Override
            public long pages() {
                return s.pages();
            }

            @Override
            public boolean sent(long index) throws IOException {
                return entries.get(s.base() + index) != UNSEEN;
            }
        };
    }

    /** Whether a record named the page (an increment names only the pages it changes). */
    public boolean sent(String block, long index) throws IOException {
        return entry(block, index) != UNSEEN;
    }

    private long entry(String block, long index) throws IOException {
        Slot s = slot(block);
        if (index < 0 || index >= s.pages()) {
            throw new IndexOutOfBoundsException("page " + index + " of block " + block);
        }
        return entries.get(s.base() + index);
    }

    /**
     * Whether the page's final content equals the reference's: a page of a block the reference
     * does not have, or beyond the reference block's end, never does.
     */
    public boolean sameAsReference(String block, long index) throws IOException {
        StateView ref = options.reference();
        RamBlock rb = ref == null || ref.pageSize() != pageSize ? null : ref.block(block);
        if (rb == null || index >= rb.usedLength() >>> pageShift) {
            return false;
        }
        long e = entry(block, index);
        if (e == SAME) {
            return true;
        }
        if (e != UNSEEN) {
            return false; // compared when it arrived
        }
        byte[] page = new byte[pageSize];
        return !ref.readUnlessZero(block, index, page, 0) || Pages.isZero(page, 0, pageSize);
    }

    @Override
    public boolean knownZero(String block, long index) throws IOException {
        long e = entry(block, index);
        if (e == SAME) {
            return options.reference().knownZero(block, index);
        }
        return e == UNSEEN || e == ZERO;
    }

    @Override
    public void read(String block, long index, byte[] dst, int off) throws IOException {
        content(entry(block, index), block, index, dst, off);
    }

    @Override
    public boolean readUnlessZero(String block, long index, byte[] dst, int off) throws IOException {
        long e = entry(block, index);
        if (e == UNSEEN || e == ZERO) {
            return false;
        }
        if (e == SAME) {
            return options.reference().readUnlessZero(block, index, dst, off);
        }
        content(e, block, index, dst, off);
        return true;
    }

    /** The content an entry stands for. */
    void content(long e, String block, long index, byte[] dst, int off) throws IOException {
        if (e == UNSEEN || e == ZERO) {
            Arrays.fill(dst, off, off + pageSize, (byte) 0);
        } else if (e == SAME) {
            options.reference().read(block, index, dst, off);
        } else if ((e & 3) == IN_FILE) {
            file.copyAt((e >>> 2) - 1, dst, off, pageSize);
        } else {
            spill.read((e >>> 2) - 1, dst, off);
        }
    }

    @Override
    public long fingerprint(String block, long index) throws IOException {
        long e = entry(block, index);
        if (e == UNSEEN || e == ZERO) {
            return zeroFingerprint;
        }
        if (fingerprints != null) {
            return fingerprints.get(slot(block).base() + index);
        }
        byte[] page = new byte[pageSize];
        content(e, block, index, page, 0);
        return StreamDigest.fingerprint(page, 0, pageSize);
    }

    /** The state digest of this state's RAM ({@link StateDigest}). */
    public String digest() throws IOException {
        return StateDigest.of(this);
    }

    /** Pages stored in the temporary spill file (a pipe's changed pages, decoded pages). */
    public long spilledPages() {
        return spill == null ? 0 : spill.pages();
    }

    @Override
    public void close() throws IOException {
        try (MigrationInput in = input; PageTable e = entries; PageTable f = fingerprints; PageSpill s = spill) {
            // closes all, in reverse order
        }
    }
}
