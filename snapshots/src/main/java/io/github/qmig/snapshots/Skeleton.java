package io.github.qmig.snapshots;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.SectionData;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionRef;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.mappedram.MappedRamWriter;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamMarker;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.ramblock.mapped.MappedRamBlockEnd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything of a save but its RAM pages, kept in memory (copied; device payloads bounded by
 * {@link ReadLimits#maxBufferedPayload()}), so that it can be written again around other pages:
 * an increment is B's skeleton with only B's changed pages, a restored level the last
 * increment's skeleton with the pages of every layer. The events are those of a plain stream: a
 * mapped-ram save loses its layout as {@code convert --to stream} drops it (the configuration's
 * and the VMDESCRIPTION's {@code mapped-ram} capability, the block headers and bitmaps), and
 * MULTIFD_FLUSH and HOOK markers, which mean nothing without the pages they fenced, are left out.
 *
 * <pre>
 * QEVM | CONFIGURATION | START ram: MEM_SIZE, block list, EOS | PART/END ram: [pages go here] EOS | ...
 * | device sections, commands | EOF | VMDESCRIPTION
 * </pre>
 *
 * Pages go into the first RAM PART or END section, where {@code MappedRamToStream} puts them too
 * (QEMU's loader takes page records in any RAM section: migration/ram.c {@code ram_load_precopy}).
 */
public final class Skeleton implements EventConsumer {

    /** A device section's payload (all its START/PART/END/FULL records' bytes, in order). */
    public record DeviceSection(SectionRef section, int fullIndex, ByteBuffer payload, long payloadOffset) {
        public String key() {
            return section.idstr() + "#" + Integer.toUnsignedLong(section.instanceId());
        }
    }

    private final long maxPayload;
    private final List<MigrationEvent> events = new ArrayList<>();
    private final List<RamBlock> blocks = new ArrayList<>();
    private int splice = -1;
    private int pageSize;
    private boolean mapped;
    private List<String> capabilities = List.of();
    private Configuration configuration;
    private VmDescription description;
    private long payloadBytes;
    private long lastOffset;

    public Skeleton(ReadLimits limits) {
        this.maxPayload = limits.maxBufferedPayload();
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        lastOffset = e.offset();
        if (e instanceof RamPage || e instanceof MappedRamBlock || e instanceof MappedRamBlockEnd) {
            return;
        }
        if (e instanceof RamMarker m && !m.isEos()) {
            return;
        }
        if (e instanceof Configuration c) {
            mapped = c.hasCapability(MappedRamWriter.CAPABILITY);
            List<String> caps = new ArrayList<>(c.capabilities());
            caps.remove(MappedRamWriter.CAPABILITY);
            capabilities = List.copyOf(caps);
            configuration = mapped ? c.withCapabilities(caps) : c;
            events.add(configuration);
            return;
        }
        if (e instanceof VmDescription v) {
            description = mapped ? v.withCapabilities(capabilities) : v;
            events.add(description);
            return;
        }
        if (e instanceof RamBlockEntry b) {
            blocks.add(b.block());
            pageSize = b.pageSize();
        } else if (e instanceof SectionData d) {
            payloadBytes += d.length();
            if (payloadBytes > maxPayload) {
                throw MigrationFormatException.of(Code.LIMIT_EXCEEDED, d.offset(),
                        "device state over %d bytes in all (the limit of what is kept to write after the pages)", maxPayload);
            }
            events.add(d.copy());
            return;
        } else if (e instanceof SectionHeader h && splice < 0 && h.idstr().equals(RamSectionCodec.IDSTR)
                && (h.type() == SectionType.PART || h.type() == SectionType.END)) {
            splice = events.size() + 1;
        }
        events.add(e);
    }

    @Override
    public void end() throws IOException {
        if (splice < 0) {
            throw MigrationFormatException.of(Code.CORRUPT, lastOffset,
                    "the save has no RAM PART or END section to carry pages");
        }
    }

    /** The RAM blocks of the block list, in order. */
    public List<RamBlock> blocks() {
        return List.copyOf(blocks);
    }

    /** The block named {@code name}, or null. */
    public RamBlock block(String name) {
        for (RamBlock b : blocks) {
            if (b.idstr().equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** The stream's page size (0 if it has no block list). */
    public int pageSize() {
        return pageSize;
    }

    /** The configuration record as written (without {@code mapped-ram}), or null. */
    public Configuration configuration() {
        return configuration;
    }

    /** The save's own capabilities but {@code mapped-ram}, which says how a file is laid out, not what it holds. */
    public List<String> capabilities() {
        return capabilities;
    }

    /** The VMDESCRIPTION, or null. */
    public VmDescription description() {
        return description;
    }

    /** Bytes of device payload kept. */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** The events, in order; pages go right after the one at index {@link #spliceIndex()} - 1. */
    public List<MigrationEvent> events() {
        return List.copyOf(events);
    }

    /** Where pages go: the index of the first event after the header of the first RAM PART or END section. */
    public int spliceIndex() {
        return splice;
    }

    /**
     * Hands every event to the consumers, with {@code pages} asked for its page events where they go;
     * then each consumer's {@code end()}.
     */
    public void feed(PageEvents pages, EventConsumer... consumers) throws IOException {
        for (int i = 0; i <= events.size(); i++) {
            if (i == splice) {
                pages.emit(e -> {
                    for (EventConsumer c : consumers) {
                        c.accept(e);
                    }
                });
            }
            if (i < events.size()) {
                for (EventConsumer c : consumers) {
                    c.accept(events.get(i));
                }
            }
        }
        for (EventConsumer c : consumers) {
            c.end();
        }
    }

    /** The device sections (not RAM), in stream order; live sections with all their parts' bytes. */
    public List<DeviceSection> devices() {
        List<DeviceSection> out = new ArrayList<>();
        List<SectionRef> refs = new ArrayList<>();
        List<ByteArrayOutputStream> bodies = new ArrayList<>();
        List<long[]> meta = new ArrayList<>();
        int full = 0;
        ByteArrayOutputStream current = null;
        for (MigrationEvent e : events) {
            if (e instanceof SectionHeader h && !h.idstr().equals(RamSectionCodec.IDSTR)) {
                int k = refs.indexOf(h.section());
                if (k < 0 || h.type() == SectionType.FULL) {
                    refs.add(h.section());
                    bodies.add(new ByteArrayOutputStream());
                    meta.add(new long[] {h.type() == SectionType.FULL ? full : -1, -1});
                    k = refs.size() - 1;
                }
                if (h.type() == SectionType.FULL) {
                    full++;
                }
                current = bodies.get(k);
                if (meta.get(k)[1] < 0) {
                    meta.get(k)[1] = h.offset() + h.wireLength();
                }
            } else if (e instanceof SectionData d && current != null) {
                ByteBuffer b = d.bytes().duplicate();
                byte[] a = new byte[b.remaining()];
                b.get(a);
                current.write(a, 0, a.length);
            } else if (e instanceof SectionEnd) {
                current = null;
            }
        }
        for (int k = 0; k < refs.size(); k++) {
            out.add(new DeviceSection(refs.get(k), (int) meta.get(k)[0], ByteBuffer.wrap(bodies.get(k).toByteArray()),
                    meta.get(k)[1]));
        }
        return out;
    }
}
