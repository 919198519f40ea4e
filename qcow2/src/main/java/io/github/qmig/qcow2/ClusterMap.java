package io.github.qmig.qcow2;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where the bytes of a snapshot's VM state lie: virtual offsets of the image translated through
 * the snapshot's own L1 table (never the active one, whose entries over the VM state QEMU discards
 * after the save) and its L2 tables, as block/qcow2-cluster.c {@code qcow2_get_host_offset} and
 * block/qcow2.h {@code qcow2_get_cluster_type}, {@code qcow2_get_subcluster_type} do.
 *
 * <pre>
 * L1 entry   bit 63 COPIED (copied into snapshot tables too: masked) | bits 9-55 L2 table offset (0: unallocated)
 * L2 entry   bit 63 COPIED | bit 62 compressed | descriptor:
 *   standard    bits 9-55 cluster offset (cluster-aligned; 0: unallocated) | bit 0 reads as zeros (v3)
 *   compressed  x = 62 - (cluster_bits - 8): bits 0..x-1 byte offset, bits x..61 additional 512-byte sectors
 * extended L2 (incompatible bit 4): + be64 bitmap, bit i subcluster i allocated, bit 32+i it reads as zeros
 * </pre>
 *
 * Unallocated clusters and subclusters read as zeros (QEMU would read a backing file there, which
 * never holds VM state). One L2 table is held at a time, only the entries over the VM state: at
 * most one cluster. Consecutive data clusters that lie one after another in the file form one
 * {@link Run}.
 */
final class ClusterMap {

    static final long OFFSET_MASK = 0x00ff_ffff_ffff_fe00L;
    private static final long COMPRESSED = 1L << 62;

    enum Kind { DATA, ZERO, COMPRESSED }

    /**
     * Virtual offsets {@code [start, end)} that read alike: the file from {@code host}, zeros, or one
     * compressed cluster; {@code entry} is where the L2 entry (or the L1 entry, for an unallocated
     * L2 table) that says so lies in the file.
     */
    static final class Run {
        Kind kind;
        long start;
        long end;
        long host;
        int compressedSize;
        long entry;

        boolean holds(long v) {
            return v >= start && v < end;
        }

        private void set(Kind k, long s, long e, long h) {
            kind = k;
            start = s;
            end = e;
            host = h;
        }
    }

    private final ImageFile file;
    private final Qcow2Header header;
    private final Snapshot snapshot;
    private final int clusterBits;
    private final long clusterSize;
    private final int l1Shift;
    private final boolean extended;
    private final int entryBytes;
    private final long end;

    private long l1Index = -1;
    private long l2Offset;
    private long[] l2 = new long[0];
    private int l2Entries;

    ClusterMap(ImageFile file, Qcow2Header header, Snapshot snapshot, long end) {
        this.file = file;
        this.header = header;
        this.snapshot = snapshot;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.l1Shift = header.l1Shift();
        this.extended = header.extendedL2();
        this.entryBytes = extended ? 16 : 8;
        this.end = end;
    }

    /** Sets {@code r} to the run that holds virtual offset {@code v} (below the VM state's end). */
    void locate(long v, Run r) throws IOException {
        long i = v >>> l1Shift;
        if (i != l1Index) {
            loadL2(i);
        }
        long base = i << l1Shift;
        if (l2Offset == 0) {
            r.entry = snapshot.l1TableOffset() + 8 * i;
            r.set(Kind.ZERO, base, Math.min(base + (1L << l1Shift), end), 0);
            return;
        }
        int k = (int) ((v - base) >>> clusterBits);
        r.entry = l2Offset + (long) k * entryBytes;
        long cluster = base + ((long) k << clusterBits);
        long clusterEnd = Math.min(cluster + clusterSize, end);
        long e = l2[k * (entryBytes / 8)];
        if ((e & COMPRESSED) != 0) {
            int x = 62 - (clusterBits - 8);
            long sectors = ((e >>> x) & ((1L << (clusterBits - 8)) - 1)) + 1;
            long offset = e & ((1L << x) - 1);
            r.set(Kind.COMPRESSED, cluster, clusterEnd, offset);
            r.compressedSize = (int) (sectors * 512 - (offset & 511));
            return;
        }
        long host = e & OFFSET_MASK;
        if (!extended && (e & 1) != 0) {
            if (header.version() == 2) {
                throw fail(k, "a zero cluster entry in a version 2 image");
            }
            r.set(Kind.ZERO, cluster, clusterEnd, 0);
            return;
        }
        if (host != 0 && (host & (clusterSize - 1)) != 0) {
            throw fail(k, String.format("cluster offset 0x%x is not cluster-aligned", host));
        }
        if (!extended) {
            if (host == 0) {
                r.set(Kind.ZERO, cluster, clusterEnd, 0);
            } else {
                r.set(Kind.DATA, cluster, clusterEnd, host);
                merge(r, k, cluster, host);
            }
            return;
        }
        long bitmap = l2[2 * k + 1];
        long alloc = bitmap & 0xffff_ffffL;
        long zero = bitmap >>> 32;
        if (host == 0 ? alloc != 0 : (alloc & zero) != 0) {
            throw fail(k, String.format("invalid subcluster bitmap 0x%016x for cluster offset 0x%x", bitmap, host));
        }
        long sub = clusterSize >>> 5;
        int j = (int) ((v - cluster) / sub);
        boolean data = host != 0 && (alloc >>> j & 1) != 0;
        int last = j;
        while (last < 31 && (host != 0 && (alloc >>> (last + 1) & 1) != 0) == data) {
            last++;
        }
        r.set(data ? Kind.DATA : Kind.ZERO, cluster + j * sub, Math.min(cluster + (last + 1) * sub, end),
                data ? host + j * sub : 0);
        if (data && alloc == 0xffff_ffffL) {
            merge(r, k, cluster, host);
        }
    }

    /**
     * Extends the run over cluster {@code k} (virtual {@code cluster}, in the file at {@code host}) over
     * the next clusters while they lie right after it in the file.
     */
    private void merge(Run r, int k, long cluster, long host) {
        long nextVirtual = cluster + clusterSize;
        long nextHost = host + clusterSize;
        for (int n = k + 1; n < l2Entries && r.end == nextVirtual && fullData(n) == nextHost; n++) {
            r.end = Math.min(nextVirtual + clusterSize, end);
            nextVirtual += clusterSize;
            nextHost += clusterSize;
        }
    }

    /** The cluster offset of entry {@code n} if it maps a whole cluster of data, else -1. */
    private long fullData(int n) {
        long e = l2[n * (entryBytes / 8)];
        long host = e & OFFSET_MASK;
        if ((e & COMPRESSED) != 0 || host == 0 || (host & (clusterSize - 1)) != 0) {
            return -1;
        }
        if (extended) {
            return l2[2 * n + 1] == 0xffff_ffffL ? host : -1;
        }
        return (e & 1) != 0 ? -1 : host;
    }

    /** Reads L1 entry {@code i} and, if allocated, the entries of its L2 table over the VM state. */
    private void loadL2(long i) throws IOException {
        long at = snapshot.l1TableOffset() + 8 * i;
        long e = file.readLong(at, "L1 entry " + i + " of snapshot " + snapshot.describe());
        long offset = e & OFFSET_MASK;
        if (offset != 0 && (offset & (clusterSize - 1)) != 0) {
            throw file.fail(Code.QCOW2_CLUSTER_INVALID, at, "L2 table offset 0x%x is not cluster-aligned (L1 index %d "
                    + "of snapshot %s)", offset, i, snapshot.describe());
        }
        l1Index = i;
        l2Offset = offset;
        l2Entries = 0;
        if (offset == 0) {
            return;
        }
        long base = i << l1Shift;
        long span = Math.min(1L << l1Shift, end - base);
        int entries = (int) ((span + clusterSize - 1) >>> clusterBits);
        ByteBuffer t = file.read(offset, entries * entryBytes, String.format("the L2 table at 0x%x (L1 index %d of "
                + "snapshot %s)", offset, i, snapshot.describe()));
        int longs = entries * (entryBytes / 8);
        if (l2.length < longs) {
            l2 = new long[longs];
        }
        t.asLongBuffer().get(l2, 0, longs);
        l2Entries = entries;
    }

    private MigrationFormatException fail(int k, String what) {
        return file.fail(Code.QCOW2_CLUSTER_INVALID, l2Offset + (long) k * entryBytes, "%s (L2 table 0x%x, index %d, "
                + "L1 index %d of snapshot %s)", what, l2Offset, k, l1Index, snapshot.describe());
    }
}
