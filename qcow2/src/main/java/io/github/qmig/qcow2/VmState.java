package io.github.qmig.qcow2;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.io.PositionalInput;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A snapshot's VM state read in place, at offsets 0 to {@link #size()}: the migration stream
 * {@code savevm} wrote. QEMU writes it through the image's ordinary write path at virtual offset
 * {@code size_to_l1(disk_size) << (cluster_bits + l2_bits)}, the first L1 entry past the disk as
 * large as it was when the snapshot was taken (block/qcow2.h {@code qcow2_vm_state_offset}; since
 * QEMU 5.1 a revert first truncates the disk to the snapshot's {@code disk_size}), so its bytes are
 * found through the snapshot's own L1 table ({@link ClusterMap}).
 *
 * <p>Before anything is read, the snapshot's geometry is bounded: the L1 table aligned and within
 * {@link ReadLimits#maxQcow2L1Size()}, the state's offsets free of overflow and covered by the L1
 * table. Each cluster's entries are checked when the reader gets there; errors name the image and
 * the offset in it, reads past {@link #size()} are TRUNCATED errors of the state itself.
 */
public final class VmState implements PositionalInput {

    private static final byte[] ZEROS = new byte[1 << 16];

    private final String name;
    private final ImageFile file;
    private final PositionalInput data;
    private final Snapshot snapshot;
    private final long base;
    private final long size;
    private final ClusterMap map;
    private final ClusterMap.Run run = new ClusterMap.Run();
    private final CompressedClusters compressed;

    private VmState(String name, ImageFile file, PositionalInput data, Qcow2Header header, Snapshot snapshot, long base) {
        this.name = name;
        this.file = file;
        this.data = data;
        this.snapshot = snapshot;
        this.base = base;
        this.size = snapshot.vmStateSize();
        this.map = new ClusterMap(file, header, snapshot, base + size);
        this.compressed = new CompressedClusters(file, header);
    }

    /**
     * The VM state of {@code s}, named {@code name} in messages about its stream.
     *
     * @param data the image file read at positions (mapped windows)
     */
    static VmState of(String name, ImageFile file, PositionalInput data, Qcow2Header h, Snapshot s, ReadLimits limits)
            throws IOException {
        long entry = s.entryOffset();
        if (s.l1Size() > limits.maxQcow2L1Size()) {
            throw file.fail(Code.LIMIT_EXCEEDED, entry + 8, "snapshot %s has an L1 table of %d entries (limit %d)",
                    s.describe(), s.l1Size(), limits.maxQcow2L1Size());
        }
        if (s.l1TableOffset() < 0 || (s.l1TableOffset() & (h.clusterSize() - 1)) != 0) {
            throw file.fail(Code.QCOW2_SNAPSHOT_TABLE_INVALID, entry, "the L1 table offset 0x%x of snapshot %s is not "
                    + "cluster-aligned", s.l1TableOffset(), s.describe());
        }
        int shift = h.l1Shift();
        long disk = s.diskSize();
        long l1Index = (disk >>> shift) + ((disk & ((1L << shift) - 1)) != 0 ? 1 : 0);
        if (disk < 0 || l1Index > Integer.MAX_VALUE || l1Index > Long.MAX_VALUE >>> shift) {
            throw file.fail(Code.QCOW2_SNAPSHOT_TABLE_INVALID, entry + SnapshotTable.ENTRY_HEADER + 8, "snapshot %s "
                    + "has a disk size of %s bytes, too large for an image", s.describe(), Long.toUnsignedString(disk));
        }
        long base = l1Index << shift;
        long size = s.vmStateSize();
        if (size < 0 || size > Long.MAX_VALUE - base) {
            throw file.fail(Code.QCOW2_SNAPSHOT_TABLE_INVALID, entry + (s.extraDataSize() >= 8 ? 40 : 32), "snapshot %s "
                    + "has a VM state of %s bytes, too large for an image", s.describe(), Long.toUnsignedString(size));
        }
        long lastL1 = size == 0 ? l1Index : (base + size - 1) >>> shift;
        if (lastL1 >= s.l1Size()) {
            throw file.fail(Code.QCOW2_SNAPSHOT_TABLE_INVALID, entry + 8, "the L1 table of snapshot %s (%d entries) does "
                    + "not cover its VM state (%d bytes at 0x%x need L1 indexes %d to %d)", s.describe(), s.l1Size(), size,
                    base, l1Index, lastL1);
        }
        return new VmState(name, file, data, h, s, base);
    }

    @Override
    public String name() {
        return name;
    }

    /** The VM state's length: {@link Snapshot#vmStateSize()}. */
    @Override
    public long size() {
        return size;
    }

    /** Where the state starts in the image's virtual address space (past the disk). */
    public long virtualOffset() {
        return base;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public void copyAt(long at, byte[] dst, int off, int len) throws IOException {
        copyAt(at, ByteBuffer.wrap(dst), off, len);
    }

    @Override
    public void readAt(long at, ByteBuffer dst) throws IOException {
        int n = dst.remaining();
        copyAt(at, dst, dst.position(), n);
        dst.position(dst.position() + n);
    }

    @Override
    public void copyAt(long at, ByteBuffer dst, int index, int len) throws IOException {
        if (at < 0 || len < 0 || at > size - len) {
            throw new MigrationFormatException(Code.TRUNCATED, name, Math.min(Math.max(at, 0), size), -1, null,
                    String.format("input ends %d bytes before the end of a positional read", at + len - size));
        }
        long v = base + at;
        while (len > 0) {
            if (!run.holds(v)) {
                map.locate(v, run);
            }
            int n = (int) Math.min(len, run.end - v);
            switch (run.kind) {
                case DATA -> {
                    long host = run.host + (v - run.start);
                    if (host > file.size() - n) {
                        throw file.fail(Code.TRUNCATED, file.size(), "bytes 0x%x to 0x%x of the VM state of snapshot %s"
                                + " lie at 0x%x, past the end of the image (%d bytes)", v - base, v - base + n,
                                snapshot.describe(), host, file.size());
                    }
                    if (dst.hasArray()) {
                        data.copyForward(host, dst.array(), dst.arrayOffset() + index, n); // the state runs forward
                    } else {
                        data.copyAt(host, dst, index, n);
                    }
                }
                case ZERO -> {
                    for (int done = 0; done < n; done += ZEROS.length) {
                        dst.put(index + done, ZEROS, 0, Math.min(ZEROS.length, n - done));
                    }
                }
                case COMPRESSED -> dst.put(index, compressed.read(run.host, run.compressedSize), (int) (v - run.start), n);
                default -> throw new IllegalStateException(run.kind.toString());
            }
            v += n;
            index += n;
            len -= n;
        }
    }

    /**
     * The first cluster of the state that is not stored in the file (unallocated or zero: it reads
     * as zeros, which QEMU never writes there) or cannot be read, as an error; null if every byte
     * of the state is in the image. Reads the L1 and L2 entries only (and compressed clusters).
     */
    public MigrationFormatException unstored() throws IOException {
        long v = base;
        long end = base + size;
        try {
            while (v < end) {
                map.locate(v, run);
                long at = v - base;
                if (run.kind == ClusterMap.Kind.ZERO) {
                    return file.fail(Code.QCOW2_CLUSTER_INVALID, run.entry, "bytes 0x%x to 0x%x of the VM state of "
                            + "snapshot %s are not stored in the image (they read as zeros)", at, run.end - base,
                            snapshot.describe());
                }
                if (run.kind == ClusterMap.Kind.DATA && run.host > file.size() - (run.end - run.start)) {
                    return file.fail(Code.TRUNCATED, file.size(), "bytes 0x%x to 0x%x of the VM state of snapshot %s lie"
                            + " past the end of the image (%d bytes)", at, run.end - base, snapshot.describe(),
                            file.size());
                }
                if (run.kind == ClusterMap.Kind.COMPRESSED) {
                    compressed.read(run.host, run.compressedSize);
                }
                v = run.end;
            }
        } catch (MigrationFormatException e) {
            return e;
        }
        return null;
    }
}
