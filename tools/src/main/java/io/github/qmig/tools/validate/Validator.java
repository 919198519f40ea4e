package io.github.qmig.tools.validate;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.CommandType;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.SectionData;
import io.github.qmig.codec.SectionFooter;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionRef;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.ramblock.MappedRamBlock;
import io.github.qmig.ramblock.MappedRamHeader;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamMemSize;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.tools.LibvirtHeader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Checks a stream event by event and collects {@link Problem}s. It keeps per-section and per-block
 * state and one bit per RAM page, nothing per event, so memory does not grow with the file beyond
 * that (see {@link RamCoverage}). The reader enforces the grammar and throws on what it cannot
 * read past; {@link #readerFailed} turns that into the last problem. Everything the reader lets
 * through but QEMU or a complete snapshot would not is checked here.
 *
 * <p>Use: feed every event to {@link #accept}, then call {@link #finish} (after the last event) or
 * {@link #readerFailed}, then {@link #problems}.
 */
public final class Validator implements EventConsumer {

    /** FULL sections remembered for the VMDESCRIPTION comparison; more are counted only. */
    static final int MAX_TRACKED_FULLS = 1 << 16;
    /** Problems of one code reported one by one before the rest are summarised in one line. */
    static final int MAX_REPEATS = 20;

    private static final Set<String> KNOWN_CAPABILITIES = Set.of("x-ignore-shared", "mapped-ram");

    private final ValidateOptions options;
    private final IntSupplier pageSize;
    private final long inputSize;
    private final LibvirtHeader libvirt;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Integer> repeats = new HashMap<>();

    private boolean firstRecord = true;
    private Configuration configuration;
    private boolean mappedRamCapability;
    private boolean ignoreShared;

    private final Map<Integer, SectionState> sections = new HashMap<>();
    private final Set<String> fullIdentities = new HashSet<>();
    private SectionHeader current;
    private boolean footerPending;
    private long footersSeen;
    private long footersMissing;
    private SectionHeader firstWithoutFooter;
    private long endSections;

    private final List<VmDescriptionCheck.Full> fulls = new ArrayList<>();
    private long fullsTotal;
    private long currentPayload;

    private boolean ramSeen;
    private int ramPageSize;
    private long memSize = -1;
    private long blockSum;
    private boolean blockListOpen;
    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private long trackedPages;
    private boolean coverageSkipped;
    private long lastRegionEnd = -1;
    private byte[] scratch;
    private io.github.qmig.ramblock.ZlibPages zlib;

    private boolean eof;
    private boolean vmdesc;
    private boolean readerFailed;
    private boolean finished;

    private static final class SectionState {
        final SectionRef first;
        boolean started;
        boolean live;

        SectionState(SectionRef first) {
            this.first = first;
        }
    }

    private static final class Block {
        final RamBlockEntry entry;
        RamCoverage coverage;
        long records;

        Block(RamBlockEntry entry) {
            this.entry = entry;
        }
    }

    /**
     * @param pageSize  the reader's target page size; asked only once a RAM section is being read
     * @param inputSize the file's size when known (seekable input), else -1
     * @param libvirt   the libvirt save image header, or null
     */
    public Validator(ValidateOptions options, IntSupplier pageSize, long inputSize, LibvirtHeader libvirt) {
        this.options = options;
        this.pageSize = pageSize;
        this.inputSize = inputSize;
        this.libvirt = libvirt;
        if (libvirt != null && !libvirt.complete()) {
            add(Problem.of(ProblemCode.LIBVIRT_SAVE_INCOMPLETE, 0, null,
                    "libvirt save image magic '%s': the save never completed", libvirt.magic()));
        }
    }

    @Override
    public void accept(MigrationEvent e) {
        if (e instanceof RamPage p) {
            page(p);
        } else if (e instanceof SectionData d) {
            currentPayload += d.length();
        } else if (e instanceof SectionHeader h) {
            record(h);
            sectionHeader(h);
        } else if (e instanceof SectionFooter) {
            footersSeen++;
            footerPending = false;
        } else if (e instanceof RamBlockEntry b) {
            blockEntry(b);
        } else if (e instanceof MappedRamBlock m) {
            mappedBlock(m);
        } else if (e instanceof RamMemSize m) {
            memSize(m);
        } else if (e instanceof Command c) {
            record(e);
            command(c);
        } else if (e instanceof Configuration c) {
            firstRecord = false;
            configuration(c);
        } else if (e instanceof EndOfFile) {
            record(e);
            eof = true;
        } else if (e instanceof VmDescription v) {
            vmdesc = true;
            VmDescriptionCheck.check(v, options.limits().maxVmDescription(), fulls, fullsTotal, ramPageSize,
                    configuration != null, this::add);
        } else if (e instanceof RamMarker) {
            closeBlockList(e.offset()); // EOS, MULTIFD_FLUSH, HOOK: the block list is over
        }
    }

    /** A top-level record starts: close what the previous one left open. */
    private void record(MigrationEvent e) {
        if (firstRecord) {
            firstRecord = false;
            add(Problem.of(ProblemCode.CONFIGURATION_MISSING, e.offset(), null,
                    "no CONFIGURATION record after the file header: a QEMU with send-configuration on (the default) "
                            + "refuses the stream"));
        }
        endSection();
    }

    private void endSection() {
        if (current == null) {
            return;
        }
        if (footerPending) {
            footersMissing++;
            if (firstWithoutFooter == null) {
                firstWithoutFooter = current;
            }
        }
        if (current.type() == SectionType.FULL) {
            if (fulls.size() < MAX_TRACKED_FULLS) {
                fulls.add(new VmDescriptionCheck.Full(current.offset(), current.section(), currentPayload));
            }
            fullsTotal++;
        }
        closeBlockList(current.offset());
        current = null;
        footerPending = false;
    }

    // ------------------------------------------------------------------ sections

    private void sectionHeader(SectionHeader h) {
        current = h;
        footerPending = true;
        currentPayload = 0;
        SectionRef ref = h.section();
        int id = h.sectionId();
        SectionState s = sections.get(id);
        switch (h.type()) {
            case START, FULL -> {
                checkIdentity(h);
                if (s != null && !sameIdentity(s.first, ref)) {
                    add(Problem.of(ProblemCode.SECTION_ID_CONFLICT, h.offset() + 1, ref,
                            "section id %d was used for '%s' instance %d at 0x%x", Integer.toUnsignedLong(id),
                            s.first.idstr(), Integer.toUnsignedLong(s.first.instanceId()), s.first.startOffset()));
                }
                if (s == null) {
                    s = new SectionState(ref);
                    sections.put(id, s);
                }
                if (h.type() == SectionType.START) {
                    if (s.started) {
                        add(Problem.of(ProblemCode.SECTION_STARTED_TWICE, h.offset(), ref,
                                "section id %d started a second time", Integer.toUnsignedLong(id)));
                    }
                    s.started = true;
                    s.live = true;
                } else {
                    String identity = ref.idstr() + '\0' + Integer.toUnsignedLong(ref.instanceId());
                    if (fullIdentities.contains(identity)) {
                        add(Problem.of(ProblemCode.SECTION_DUPLICATE, h.offset(), ref,
                                "a second FULL section for '%s' instance %d", ref.idstr(),
                                Integer.toUnsignedLong(ref.instanceId())));
                    } else if (fullIdentities.size() < MAX_TRACKED_FULLS) {
                        fullIdentities.add(identity);
                    }
                }
            }
            case PART, END -> {
                if (s == null || !s.live) {
                    add(Problem.of(ProblemCode.SECTION_NOT_STARTED, h.offset() + 1, ref, "%s for section id %d, %s",
                            h.type(), Integer.toUnsignedLong(id), s == null || !s.started
                                    ? "which no START opened" : "which an END already closed"));
                }
                if (h.type() == SectionType.END) {
                    endSections++;
                    if (s != null) {
                        s.live = false;
                    }
                }
            }
            default -> throw new IllegalStateException(h.type().toString());
        }
        if (ref.idstr().equals("ram")) {
            ramSeen = true;
        }
    }

    private static boolean sameIdentity(SectionRef a, SectionRef b) {
        return a.idstr().equals(b.idstr()) && a.instanceId() == b.instanceId();
    }

    private void checkIdentity(SectionHeader h) {
        SectionRef ref = h.section();
        if (!printable(ref.idstr())) {
            add(Problem.of(ProblemCode.SECTION_IDSTR_INVALID, h.offset() + 6, ref,
                    "section idstr has bytes outside printable ASCII"));
        }
        if (Integer.toUnsignedLong(ref.version()) > 0xffff) {
            add(Problem.of(ProblemCode.SECTION_VERSION_UNUSUAL, h.offset(), ref,
                    "version %d (QEMU's are small numbers)", Integer.toUnsignedLong(ref.version())));
        }
    }

    static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    // ------------------------------------------------------------------ configuration, commands

    private void configuration(Configuration c) {
        configuration = c;
        if (!printable(c.machine())) {
            add(Problem.of(ProblemCode.CONFIGURATION_INVALID, c.offset() + 5, null,
                    "machine name '%s' is empty or not printable ASCII", c.machine()));
        }
        for (Configuration.Subsection s : c.subsections()) {
            if (s.version() != 1) {
                add(Problem.of(ProblemCode.CONFIGURATION_INVALID, c.offset(), null,
                        "configuration subsection '%s' version %d (QEMU writes 1)", s.name(), s.version()));
            }
        }
        c.subsection(Configuration.PAGE_BITS).ifPresent(s -> {
            int bits = s.body().getInt(s.body().position());
            if (bits < 9 || bits > 16) {
                add(Problem.of(ProblemCode.CONFIGURATION_INVALID, c.offset(), null,
                        "target page bits %d (targets use 10 to 16)", bits));
            }
        });
        for (String cap : c.capabilities()) {
            if (!KNOWN_CAPABILITIES.contains(cap)) {
                add(Problem.of(ProblemCode.CAPABILITY_UNKNOWN, c.offset(), null,
                        "capability '%s' in the configuration (QEMU 10 validates only x-ignore-shared and mapped-ram)",
                        cap));
            }
        }
        mappedRamCapability = c.hasCapability("mapped-ram");
        ignoreShared = c.hasCapability("x-ignore-shared");
        if (libvirt != null && libvirt.format() == 6 && !mappedRamCapability) {
            add(Problem.of(ProblemCode.MAPPED_RAM_CAPABILITY_MISSING, c.offset(), null,
                    "libvirt image format 'sparse' but the configuration does not declare mapped-ram"));
        }
    }

    private void command(Command c) {
        CommandType t = c.type();
        if (t == null) {
            add(Problem.of(ProblemCode.COMMAND_INVALID, c.offset() + 1, null,
                    "unknown command %d (QEMU 10 knows 1 to 11)", c.code()));
            return;
        }
        switch (t) {
            case SWITCHOVER_START, POSTCOPY_ADVISE, ENABLE_COLO -> {
            }
            default -> add(Problem.of(ProblemCode.COMMAND_NEEDS_RETURN_PATH, c.offset(), null,
                    "command %s belongs to a socket migration with a return path; QEMU cannot load it from a file",
                    t));
        }
    }

    // ------------------------------------------------------------------ RAM

    private int ramPageSize() {
        if (ramPageSize == 0) {
            ramPageSize = pageSize.getAsInt();
        }
        return ramPageSize;
    }

    private void memSize(RamMemSize m) {
        if (memSize >= 0) {
            add(Problem.of(ProblemCode.RAM_BLOCK_LIST_REPEATED, m.offset(), current == null ? null : current.section(),
                    "a second RAM block list (MEM_SIZE); QEMU sends it once, in the START section"));
        }
        memSize = m.totalBytes();
        blockSum = 0;
        blockListOpen = true;
        blocks.clear();
        trackedPages = 0;
        coverageSkipped = false;
        lastRegionEnd = -1;
    }

    private void blockEntry(RamBlockEntry e) {
        String name = e.block().idstr();
        SectionRef s = current == null ? null : current.section();
        if (!printable(name)) {
            add(Problem.of(ProblemCode.RAM_BLOCK_NAME_INVALID, e.offset(), s,
                    "RAM block name has bytes outside printable ASCII"));
        }
        blockSum += e.block().usedLength();
        Block b = new Block(e);
        blocks.put(name, b);
        if (mappedRamCapability) {
            return; // a mapped-ram block is complete by construction: clear bits are zero pages
        }
        long pages = e.block().usedLength() / ramPageSize();
        if (!coverageSkipped && trackedPages + pages <= options.maxTrackedPages()) {
            b.coverage = new RamCoverage(pages);
            trackedPages += pages;
        } else if (!coverageSkipped) {
            coverageSkipped = true;
            add(Problem.of(ProblemCode.RAM_COVERAGE_SKIPPED, e.offset(), s,
                    "more than %d pages of RAM: not checking that every page is present", options.maxTrackedPages()));
        }
    }

    private void closeBlockList(long at) {
        if (blockListOpen) {
            blockListOpen = false;
            if (blockSum != memSize) {
                add(Problem.of(ProblemCode.RAM_SIZE_MISMATCH, at, current == null ? null : current.section(),
                        "RAM blocks add up to 0x%x bytes, MEM_SIZE says 0x%x", blockSum, memSize));
            }
        }
    }

    private void page(RamPage p) {
        if (p.kind() != RamPage.Kind.MAPPED) {
            closeBlockList(p.offset());
        }
        SectionRef s = current == null ? null : current.section();
        int ps = ramPageSize();
        Block b = blocks.get(p.block().idstr());
        if (b == null || b.entry.block() != p.block()) {
            add(Problem.of(ProblemCode.RAM_BLOCK_UNKNOWN, p.offset(), s,
                    "page for RAM block '%s', which the block list does not name", p.block().idstr()));
            return;
        }
        long used = p.block().usedLength();
        if (p.pageOffset() < 0 || p.pageOffset() % ps != 0 || p.pageOffset() > used - ps) {
            add(Problem.of(ProblemCode.RAM_PAGE_OUTSIDE_BLOCK, p.offset(), s,
                    "page at block offset 0x%x is not a page of block '%s' (0x%x bytes)", p.pageOffset(),
                    p.block().idstr(), used));
            return;
        }
        b.records++;
        switch (p.kind()) {
            case ZERO -> {
                if (p.fillByte() != 0) {
                    add(Problem.of(ProblemCode.RAM_ZERO_FILL, p.offset(), s,
                            "zero page with fill byte 0x%02x (QEMU 10 accepts only 0)", p.fillByte()));
                }
            }
            case XBZRLE -> {
                byte[] page = scratch(ps);
                if (io.github.qmig.ramblock.Xbzrle.decode(p.array(), p.arrayOffset(), p.length(), page, 0, ps) < 0) {
                    add(Problem.of(ProblemCode.RAM_XBZRLE_INVALID, p.offset(), s,
                            "XBZRLE delta of %d bytes does not decode", p.length()));
                }
            }
            case COMPRESSED -> {
                if (zlib == null) {
                    zlib = new io.github.qmig.ramblock.ZlibPages();
                    add(Problem.of(ProblemCode.RAM_COMPRESS_PAGE_OBSOLETE, p.offset(), s,
                            "COMPRESS_PAGE records (QEMU 9.0 and older); QEMU 9.1 and later reject them"));
                }
                if (!zlib.inflate(p.array(), p.arrayOffset(), p.length(), scratch(ps), 0, ps)) {
                    add(Problem.of(ProblemCode.RAM_ZLIB_INVALID, p.offset(), s,
                            "compressed page of %d bytes does not inflate to one %d-byte page", p.length(), ps));
                }
            }
            default -> {
            }
        }
        if (b.coverage != null) {
            b.coverage.mark(p.pageOffset() / ps);
        }
    }

    private byte[] scratch(int size) {
        if (scratch == null || scratch.length != size) {
            scratch = new byte[size];
        }
        return scratch;
    }

    private void mappedBlock(MappedRamBlock m) {
        SectionRef s = current == null ? null : current.section();
        MappedRamHeader h = m.header();
        String name = m.block().idstr();
        long used = m.block().usedLength();
        if (m.offset() < lastRegionEnd) {
            add(Problem.of(ProblemCode.MAPPED_RAM_OVERLAP, m.offset(), s,
                    "block '%s' starts at 0x%x, inside the previous block's region (ends 0x%x)", name, m.offset(),
                    lastRegionEnd));
        }
        long end = h.pagesOffset() + used;
        lastRegionEnd = Math.max(lastRegionEnd, end);
        if (h.bitmapOffset() != m.offset() + MappedRamHeader.SIZE) {
            add(Problem.of(ProblemCode.MAPPED_RAM_BITMAP_OFFSET, m.offset() + 12, s,
                    "block '%s' bitmap at 0x%x, not right after its header (0x%x)", name, h.bitmapOffset(),
                    m.offset() + MappedRamHeader.SIZE));
        }
        if (h.pagesOffset() % MappedRamHeader.ALIGNMENT != 0) {
            add(Problem.of(ProblemCode.MAPPED_RAM_MISALIGNED, m.offset() + 20, s,
                    "block '%s' pages at 0x%x, not 1 MiB aligned (QEMU aligns them for O_DIRECT)", name,
                    h.pagesOffset()));
        }
        if (inputSize >= 0 && end > inputSize) {
            add(Problem.of(ProblemCode.MAPPED_RAM_OFFSET_OUTSIDE_FILE, m.offset() + 20, s,
                    "block '%s' page region 0x%x..0x%x ends past the end of the file (0x%x)", name, h.pagesOffset(),
                    end, inputSize));
        }
        long pages = m.pageCount();
        byte[] bitmap = m.bitmap();
        for (long i = pages; i < (long) bitmap.length * 8; i++) {
            if (m.isSet(i)) {
                add(Problem.of(ProblemCode.MAPPED_RAM_BITMAP_EXCESS, h.bitmapOffset() + (i >>> 3), s,
                        "block '%s' bitmap bit %d is set, the block has only %d pages", name, i, pages));
                break;
            }
        }
    }

    // ------------------------------------------------------------------ end

    /**
     * The reader stopped with a format error: that is the last problem, and the checks that need
     * the whole stream are skipped.
     */
    public void readerFailed(MigrationFormatException e) {
        readerFailed = true;
        add(ReaderErrors.problem(e));
        close();
    }

    /** Called after the last event: the checks that need the whole stream. */
    public void finish() {
        if (finished || readerFailed) {
            return;
        }
        finished = true;
        endSection();
        close();
        if (!eof) {
            return; // the reader only ends without EOF by throwing; nothing more to judge
        }
        if (footersSeen > 0 && footersMissing > 0) {
            add(Problem.of(ProblemCode.FOOTER_MISSING, firstWithoutFooter.offset(), firstWithoutFooter.section(),
                    "%d sections end without the footer the others have", footersMissing));
        } else if (footersSeen == 0 && footersMissing > 0) {
            add(Problem.of(ProblemCode.FOOTERS_ABSENT, -1, null,
                    "no section has a footer: only a QEMU with send-section-footer off (Xen) loads this stream%s",
                    vmdesc ? "" : "; without a VMDESCRIPTION either, device sections are delimited by guessing "
                            + "and a cut inside the device state can go unnoticed"));
        }
        List<SectionState> live = new ArrayList<>();
        for (SectionState s : sections.values()) {
            if (s.live) {
                live.add(s);
            }
        }
        live.sort((a, b) -> Long.compare(a.first.startOffset(), b.first.startOffset()));
        if (!live.isEmpty() && endSections == 0) {
            add(Problem.of(ProblemCode.BACKGROUND_SNAPSHOT, -1, null,
                    "no live section has an END section: the shape of a background snapshot"));
        } else {
            for (SectionState s : live) {
                add(Problem.of(ProblemCode.SECTION_NOT_ENDED, s.first.startOffset(), s.first,
                        "section started but never ended"));
            }
        }
        if (!vmdesc) {
            add(Problem.of(ProblemCode.VMDESC_MISSING, -1, null,
                    "no VMDESCRIPTION after EOF (suppress-vmdesc or postcopy); device sections are not cross-checked"));
        }
        if (!ramSeen) {
            add(Problem.of(ProblemCode.RAM_ABSENT, -1, null, "no RAM section: the stream holds device state only"));
        }
        for (Block b : blocks.values()) {
            coverage(b);
        }
    }

    private void coverage(Block b) {
        RamCoverage c = b.coverage;
        if (c == null) {
            return;
        }
        String name = b.entry.block().idstr();
        if (c.seen() == c.pages()) {
            return;
        }
        if (ignoreShared && c.seen() == 0) {
            add(Problem.of(ProblemCode.RAM_BLOCK_IGNORED, b.entry.offset(), null,
                    "block '%s' has no pages: with x-ignore-shared it is shared memory the file does not carry", name));
            return;
        }
        long first = c.firstMissing();
        add(Problem.of(ProblemCode.RAM_PAGE_MISSING, b.entry.offset(), null,
                "block '%s': %d of %d pages never sent (first at block offset 0x%x); the file is not a complete snapshot",
                name, c.pages() - c.seen(), c.pages(), first * ramPageSize()));
    }

    private void close() {
        if (zlib != null) {
            zlib.close();
            zlib = null;
        }
    }

    /**
     * Adds a problem; after {@link #MAX_REPEATS} of one code the rest are summarised in one line,
     * so a hostile file cannot grow the list without bound.
     */
    private void add(Problem p) {
        int n = repeats.merge(p.code(), 1, Integer::sum);
        if (n > MAX_REPEATS + 1) {
            return;
        }
        if (n == MAX_REPEATS + 1) {
            p = new Problem(p.severity(), -1, null, "more '" + p.code() + "' problems are not listed", p.code());
        }
        problems.add(options.strict() ? p.strict() : p);
    }


    /** The problems found so far, in file order of detection. */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Whether the stream has been judged valid: no error so far. */
    public boolean valid() {
        for (Problem p : problems) {
            if (p.severity() == Severity.ERROR) {
                return false;
            }
        }
        return true;
    }

    boolean eof() {
        return eof;
    }

    boolean vmdescSeen() {
        return vmdesc;
    }

    String machine() {
        return configuration == null ? null : configuration.machine();
    }

    boolean mappedRam() {
        return mappedRamCapability;
    }

    long ramRecords() {
        long n = 0;
        for (Block b : blocks.values()) {
            n += b.records;
        }
        return n;
    }

    int sectionIds() {
        return sections.size();
    }
}
