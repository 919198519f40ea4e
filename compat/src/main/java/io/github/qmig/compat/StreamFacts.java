package io.github.qmig.compat;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionFooter;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DeviceEntry;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamFlags;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.mapped.MappedRamBlock;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a target's loader meets in a stream, gathered from its events: the configuration record,
 * the RAM block list, whether sections end with footers, the record kinds and commands that a
 * loader may not read, every START/FULL section with where its payload lies, and the
 * VMDESCRIPTION. The same facts serve for the saved file and for the save a probed target makes of
 * itself. Memory: per section and per block, each list bounded by {@code maxKept}; never a page.
 */
public final class StreamFacts implements EventConsumer {

    /** A RAM block list entry (the MEM_SIZE list of the RAM START section). */
    public record Block(String name, long length, long offset) {
    }

    /**
     * A START or FULL section.
     *
     * @param fullIndex for FULL sections their index among FULL sections (the VMDESCRIPTION's
     *                  {@code devices[k]}), else -1
     */
    public record Section(SectionType type, String idstr, long instance, int version, long offset,
                          long payloadOffset, long payloadLength, int fullIndex) {
        /** The vmsd name QEMU builds the idstr from: its last component ({@code 0000:00:04.0/virtio-rng}). */
        public String vmsdName() {
            return idstr.substring(idstr.lastIndexOf('/') + 1);
        }
    }

    /**
     * The first record of a kind: where it is, its flags (RAM records) or number (commands), and
     * its payload length (commands).
     */
    public record Record(long offset, int value, int length) {
    }

    private final int maxKept;
    private long headerOffset = -1;
    private Configuration configuration;
    private final List<Block> blocks = new ArrayList<>();
    private boolean mappedRam;
    private SectionEnd firstSection;
    private long firstFooter = -1;
    private Record firstCompressed;
    private Record firstMultifdFlush;
    private final Map<Integer, Record> commands = new LinkedHashMap<>();
    private final List<Section> sections = new ArrayList<>();
    private int fullSections;
    private int untracked;
    private boolean eof;
    private VmDescription vmdesc;
    private Description description;
    private MigrationFormatException descriptionError;

    /** @param maxKept START/FULL sections, and RAM block list entries, kept (more sections are counted only) */
    public StreamFacts(int maxKept) {
        this.maxKept = maxKept;
    }

    @Override
    public void accept(MigrationEvent e) {
        if (e instanceof FileHeader h) {
            headerOffset = h.offset();
        } else if (e instanceof Configuration c) {
            configuration = c;
            mappedRam |= c.hasCapability("mapped-ram");
        } else if (e instanceof RamBlockEntry b) {
            if (blocks.size() < maxKept) { // QEMU sends one list; a hostile file may repeat it
                blocks.add(new Block(b.block().idstr(), b.block().usedLength(), b.offset()));
            }
        } else if (e instanceof MappedRamBlock) {
            mappedRam = true;
        } else if (e instanceof RamPage p) {
            if (p.kind() == RamPage.Kind.COMPRESSED && firstCompressed == null) {
                firstCompressed = new Record(p.offset(), p.flags(), p.length());
            }
        } else if (e instanceof RamMarker m) {
            if (m.flags() == RamFlags.MULTIFD_FLUSH && firstMultifdFlush == null) {
                firstMultifdFlush = new Record(m.offset(), m.flags(), 0);
            }
        } else if (e instanceof Command c) {
            commands.putIfAbsent(c.code(), new Record(c.offset(), c.code(), c.data().remaining()));
        } else if (e instanceof SectionFooter f) {
            if (firstFooter < 0) {
                firstFooter = f.offset();
            }
        } else if (e instanceof SectionEnd s) {
            section(s);
        } else if (e instanceof EndOfFile) {
            eof = true;
        } else if (e instanceof VmDescription d) {
            vmdesc = d;
            try {
                description = d.description();
            } catch (MigrationFormatException bad) {
                descriptionError = bad; // QEMU skips the VMDESCRIPTION unread: not a load failure
            }
        }
    }

    private void section(SectionEnd s) {
        if (firstSection == null) {
            firstSection = s;
        }
        SectionType t = s.type();
        if (t != SectionType.START && t != SectionType.FULL) {
            return;
        }
        int k = t == SectionType.FULL ? fullSections++ : -1;
        if (sections.size() >= maxKept) {
            untracked++;
            return;
        }
        sections.add(new Section(t, s.section().idstr(), Integer.toUnsignedLong(s.section().instanceId()),
                s.section().version(), s.header().offset(), s.payloadOffset(), s.payloadLength(), k));
    }

    /** Offset of the file header, or -1 if none was read. */
    public long headerOffset() {
        return headerOffset;
    }

    /** The CONFIGURATION record, or null. */
    public Configuration configuration() {
        return configuration;
    }

    /** The RAM block list in stream order. */
    public List<Block> blocks() {
        return List.copyOf(blocks);
    }

    /** Whether RAM is laid out as mapped-ram (capability in the configuration, or mapped-ram block headers). */
    public boolean mappedRam() {
        return mappedRam;
    }

    /** The end of the first section of the stream (the RAM START section in QEMU's streams), or null. */
    public SectionEnd firstSection() {
        return firstSection;
    }

    /** Whether sections end with footers. */
    public boolean footers() {
        return firstFooter >= 0;
    }

    /** Offset of the first footer, or -1. */
    public long firstFooter() {
        return firstFooter;
    }

    /** The first COMPRESS_PAGE record (zlib pages, QEMU up to 9.0), or null. */
    public Record firstCompressedPage() {
        return firstCompressed;
    }

    /** The first MULTIFD_FLUSH record, or null. */
    public Record firstMultifdFlush() {
        return firstMultifdFlush;
    }

    /** The first command of each number, in stream order. */
    public List<Record> commands() {
        return List.copyOf(commands.values());
    }

    /** The START and FULL sections in stream order (the first {@code maxKept}). */
    public List<Section> sections() {
        return List.copyOf(sections);
    }

    /** START/FULL sections beyond {@code maxKept}, counted only. */
    public int untrackedSections() {
        return untracked;
    }

    /** Whether the EOF record was read. */
    public boolean eof() {
        return eof;
    }

    /** Whether the stream ends with a VMDESCRIPTION. */
    public boolean hasVmDescription() {
        return vmdesc != null;
    }

    /** The parsed VMDESCRIPTION, or null (none, or one that does not parse: {@link #descriptionError()}). */
    public Description description() {
        return description;
    }

    /** Why the VMDESCRIPTION could not be used, or null. */
    public MigrationFormatException descriptionError() {
        return descriptionError;
    }

    /** The VMDESCRIPTION entry of a FULL section, or null. */
    public DeviceEntry entry(Section s) {
        return description == null || s.fullIndex() < 0 ? null : description.device(s.fullIndex(), s.idstr(), s.instance());
    }
}
