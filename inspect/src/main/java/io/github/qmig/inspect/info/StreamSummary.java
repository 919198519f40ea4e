package io.github.qmig.inspect.info;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.SectionData;
import io.github.qmig.codec.SectionFooter;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.TrailingBytes;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.ramblock.PageTally;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamFlags;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.mapped.MappedRamBlock;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts what a stream holds, event by event: the data behind {@code qmig info}. Holds nothing per
 * page, so its memory does not grow with the file.
 */
public final class StreamSummary implements EventConsumer {

    /** Per-section record counts, in order of first appearance. */
    public static final class Section {
        public final long id;
        public final String name;
        public final long instance;
        public final int version;
        public long start;
        public long part;
        public long end;
        public long full;
        /** Payload bytes of the section's records (headers and footers excluded). */
        public long bytes;

        Section(SectionHeader h) {
            this.id = Integer.toUnsignedLong(h.sectionId());
            this.name = h.idstr();
            this.instance = Integer.toUnsignedLong(h.instanceId());
            this.version = h.version();
        }
    }

    /** A RAM block with its page counts by record kind. */
    public static final class Block {
        public final String name;
        public final long usedLength;
        public final long pageSize;
        public final PageTally pages = new PageTally();

        Block(String name, long usedLength, long pageSize) {
            this.name = name;
            this.usedLength = usedLength;
            this.pageSize = pageSize;
        }
    }

    int version;
    String machine;
    List<String> capabilities = List.of();
    Integer targetPageBits;
    String uuid;
    int pageSize;
    boolean mappedRam;
    final Map<String, Block> blocks = new LinkedHashMap<>();
    final Map<Long, Section> sections = new LinkedHashMap<>();
    final Map<String, Long> commands = new LinkedHashMap<>();
    final PageTally pages = new PageTally();
    long eos;
    long multifdFlush;
    long hook;
    long footers;
    long ramIterations;
    boolean complete;
    boolean vmdesc;
    long vmdescBytes;
    TrailingBytes trailing;
    long streamEnd;
    /** The run state the source was in when saved ({@code globalstate}), or null. */
    String runState;
    /** Instances of the {@code cpu} section: the guest's vCPUs. */
    final Set<Long> cpus = new TreeSet<>();
    private SectionHeader current;
    /** The start of the {@code globalstate} payload while it is read. */
    private ByteArrayOutputStream globalState;

    /** The page size to report for blocks; set by the caller from the reader once known. */
    public void pageSize(int size) {
        this.pageSize = size;
    }

    @Override
    public void accept(MigrationEvent e) {
        if (e instanceof RamPage p) {
            countPage(p);
        } else if (e instanceof SectionData d) {
            sections.get(Integer.toUnsignedLong(current.sectionId())).bytes += d.length(); // RAM counts 0: decoded
            if (globalState != null && globalState.size() < GLOBAL_STATE_BYTES) {
                byte[] b = new byte[Math.min(d.length(), GLOBAL_STATE_BYTES - globalState.size())];
                d.bytes().duplicate().get(b);
                globalState.writeBytes(b);
            }
        } else if (e instanceof SectionHeader h) {
            current = h;
            runStateRead();
            globalState = h.idstr().equals("globalstate") ? new ByteArrayOutputStream() : null;
            if (h.idstr().equals("cpu")) {
                cpus.add(Integer.toUnsignedLong(h.instanceId()));
            }
            Section s = sections.computeIfAbsent(Integer.toUnsignedLong(h.sectionId()), k -> new Section(h));
            switch (h.type()) {
                case START -> s.start++;
                case PART -> s.part++;
                case END -> s.end++;
                case FULL -> s.full++;
                default -> throw new IllegalStateException();
            }
            if (h.idstr().equals("ram") && h.type() == SectionType.PART) {
                ramIterations++;
            }
        } else if (e instanceof RamMarker m) {
            switch (m.flags()) {
                case RamFlags.EOS -> eos++;
                case RamFlags.MULTIFD_FLUSH -> multifdFlush++;
                default -> hook++;
            }
        } else if (e instanceof RamBlockEntry b) {
            blocks.computeIfAbsent(b.block().idstr(), k -> new Block(k, b.block().usedLength(),
                    b.block().hasPageSize() ? b.block().pageSize() : -1));
        } else if (e instanceof MappedRamBlock m) {
            mappedRam = true;
            long clear = m.pageCount() - m.setPages(); // clear bits are zero pages: QEMU sends no record for them
            pages.add(RamPage.Kind.ZERO, clear);
            blocks.get(m.block().idstr()).pages.add(RamPage.Kind.ZERO, clear);
        } else if (e instanceof FileHeader h) {
            version = h.version();
        } else if (e instanceof Configuration c) {
            machine = c.machine();
            capabilities = c.capabilities();
            mappedRam |= capabilities.contains("mapped-ram");
            targetPageBits = c.targetPageBits().isPresent() ? c.targetPageBits().getAsInt() : null;
            uuid = c.uuid().map(Object::toString).orElse(null);
        } else if (e instanceof SectionFooter) {
            footers++;
        } else if (e instanceof Command c) {
            commands.merge(c.name(), 1L, Long::sum);
        } else if (e instanceof EndOfFile) {
            runStateRead();
            complete = true;
        } else if (e instanceof VmDescription v) {
            vmdesc = true;
            vmdescBytes = v.length();
        } else if (e instanceof TrailingBytes t) {
            trailing = t;
        }
    }

    /** Bytes of the globalstate payload read: be32 length, then the run state's name in a 100-byte buffer. */
    private static final int GLOBAL_STATE_BYTES = 4 + 100;

    /**
     * The run state's name from the globalstate payload just read (migration/global_state.c
     * {@code vmstate_globalstate}: {@code size} then {@code runstate[100]}, NUL-terminated).
     */
    private void runStateRead() {
        if (globalState == null) {
            return;
        }
        byte[] b = globalState.toByteArray();
        globalState = null;
        if (b.length < 5) {
            return;
        }
        int end = 4;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        String name = new String(b, 4, end - 4, StandardCharsets.US_ASCII);
        if (!name.isEmpty() && name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            runState = name;
        }
    }

    private void countPage(RamPage p) {
        pages.add(p);
        blocks.get(p.block().idstr()).pages.add(p);
    }

    public boolean complete() {
        return complete;
    }

    public String format() {
        return mappedRam ? "mapped-ram" : "stream";
    }

    public List<Block> blocks() {
        return new ArrayList<>(blocks.values());
    }

    public List<Section> sections() {
        return new ArrayList<>(sections.values());
    }

    /** The run state the source was in when saved (its {@code globalstate}), or null if the stream has none. */
    public String runState() {
        return runState;
    }

    /** The guest's vCPUs: instances of the {@code cpu} section (0 if the stream has none). */
    public int vcpus() {
        return cpus.size();
    }
}
