package io.github.qmig.testkit.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the structures of a qcow2 image lie, found with a few plain reads (docs/interop/qcow2.rst),
 * so that tests can damage or rewrite exactly one of them: the header's fields, each snapshot
 * table entry, and for a snapshot's VM state its L1 entries and the L2 entry of each cluster.
 * Independent of qmig's own reader on purpose.
 */
public final class Qcow2Layout {

    /** One snapshot table entry: where it is (up to {@code end}, its name's end) and what it says of its VM state. */
    public record Entry(long offset, long end, long l1TableOffset, long l1Size, int extraDataSize, long vmStateSize,
                        long diskSize) {
    }

    private final Path image;
    private final int clusterBits;
    private final boolean extendedL2;
    private final long snapshotsOffset;
    private final List<Entry> entries;

    private Qcow2Layout(Path image, int clusterBits, boolean extendedL2, long snapshotsOffset, List<Entry> entries) {
        this.image = image;
        this.clusterBits = clusterBits;
        this.extendedL2 = extendedL2;
        this.snapshotsOffset = snapshotsOffset;
        this.entries = entries;
    }

    public static Qcow2Layout of(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image)) {
            ByteBuffer h = read(ch, 0, 112);
            int version = h.getInt(4);
            int cb = h.getInt(20);
            long incompatible = version >= 3 ? h.getLong(72) : 0;
            int nb = h.getInt(60);
            long at = h.getLong(64);
            long size = h.getLong(24);
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < nb; i++) {
                at = (at + 7) & ~7L;
                ByteBuffer e = read(ch, at, 40 + 24);
                int extra = e.getInt(36);
                long vmState = extra >= 8 ? e.getLong(40) : Integer.toUnsignedLong(e.getInt(32));
                long disk = extra >= 16 ? e.getLong(48) : size;
                long end = at + 40 + extra + (e.getShort(12) & 0xffff) + (e.getShort(14) & 0xffff);
                entries.add(new Entry(at, end, e.getLong(0), Integer.toUnsignedLong(e.getInt(8)), extra, vmState, disk));
                at = end;
            }
            return new Qcow2Layout(image, cb, (incompatible & 16) != 0, h.getLong(64), entries);
        }
    }

    public int clusterSize() {
        return 1 << clusterBits;
    }

    public long snapshotsOffset() {
        return snapshotsOffset;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Bytes one L2 entry takes (16 with extended L2). */
    public int l2EntrySize() {
        return extendedL2 ? 16 : 8;
    }

    private int l1Shift() {
        return clusterBits + clusterBits - (extendedL2 ? 4 : 3);
    }

    /** The virtual offset of entry {@code i}'s VM state: the first L1 entry past its disk. */
    public long vmStateOffset(int i) {
        long span = 1L << l1Shift();
        return (entries.get(i).diskSize() + span - 1) / span * span;
    }

    /** Where the L1 entry over byte {@code at} of entry {@code i}'s VM state lies in the file. */
    public long l1EntryOffset(int i, long at) {
        return entries.get(i).l1TableOffset() + 8 * ((vmStateOffset(i) + at) >>> l1Shift());
    }

    /** Where the L2 entry of the cluster holding byte {@code at} of entry {@code i}'s VM state lies in the file. */
    public long l2EntryOffset(int i, long at) throws IOException {
        long v = vmStateOffset(i) + at;
        long l2 = readLong(l1EntryOffset(i, at)) & 0x00ff_ffff_ffff_fe00L;
        return l2 + ((v & ((1L << l1Shift()) - 1)) >>> clusterBits) * l2EntrySize();
    }

    /** The file offset of the cluster holding byte {@code at} of entry {@code i}'s VM state (a plain cluster). */
    public long dataOffset(int i, long at) throws IOException {
        return (readLong(l2EntryOffset(i, at)) & 0x00ff_ffff_ffff_fe00L) + ((vmStateOffset(i) + at) & (clusterSize() - 1));
    }

    public long readLong(long at) throws IOException {
        try (FileChannel ch = FileChannel.open(image)) {
            return read(ch, at, 8).getLong(0);
        }
    }

    public byte[] read(long at, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(image)) {
            return read(ch, at, n).array();
        }
    }

    /** Writes {@code bytes} at {@code at} of the image. */
    public void write(long at, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b, at + b.position());
            }
        }
    }

    public void writeLong(long at, long v) throws IOException {
        write(at, ByteBuffer.allocate(8).putLong(0, v).array());
    }

    public void writeInt(long at, int v) throws IOException {
        write(at, ByteBuffer.allocate(4).putInt(0, v).array());
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && ch.read(b, at + b.position()) >= 0) {
            // until full or at the end
        }
        return b.clear();
    }
}
