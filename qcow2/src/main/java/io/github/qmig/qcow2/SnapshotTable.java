package io.github.qmig.qcow2;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.ReadLimits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The internal snapshot table (block/qcow2-snapshot.c {@code qcow2_do_read_snapshots}):
 * {@code nb_snapshots} entries from {@code snapshots_offset}, each starting at the next multiple
 * of 8, big-endian:
 *
 * <pre>
 *  0 l1_table_offset   8 l1_size   12 id_str_size (u16)   14 name_size (u16)   16 date_sec   20 date_nsec
 * 24 vm_clock_nsec    32 vm_state_size (u32; 0 if it does not fit)   36 extra_data_size (at most 1024)
 * 40 extra data: 0 vm_state_size_large (if >= 8)  8 disk_size (if >= 16)  16 icount (if >= 24; else -1)
 *    then id_str_size bytes of ID, name_size bytes of name (no NUL)
 * </pre>
 *
 * Without {@code disk_size} in the extra data, the disk size is the header's, in whole sectors, as
 * QEMU takes it. The padding after the last entry is not part of the table and may lie past the end
 * of the file. The entries' total size is bounded by {@link ReadLimits#maxQcow2SnapshotTable()}.
 */
final class SnapshotTable {

    static final int ENTRY_HEADER = 40;
    /** QEMU's {@code QCOW_MAX_SNAPSHOT_EXTRA_DATA}. */
    static final int MAX_EXTRA_DATA = 1024;

    private SnapshotTable() {
    }

    static List<Snapshot> read(ImageFile f, Qcow2Header h, ReadLimits limits) throws IOException {
        List<Snapshot> out = new ArrayList<>(Math.min(h.nbSnapshots(), 1024));
        long at = h.snapshotsOffset();
        long tableBytes = 0;
        for (int i = 0; i < h.nbSnapshots(); i++) {
            at = (at + 7) & ~7L;
            tableBytes = (tableBytes + 7) & ~7L;
            String what = "snapshot table entry " + i;
            ByteBuffer e = f.read(at, ENTRY_HEADER, what);
            int idSize = e.getShort(12) & 0xffff;
            int nameSize = e.getShort(14) & 0xffff;
            long extra = Integer.toUnsignedLong(e.getInt(36));
            if (extra > MAX_EXTRA_DATA) {
                throw f.fail(Code.QCOW2_SNAPSHOT_TABLE_INVALID, at + 36, "too much extra data in snapshot table entry %d:"
                        + " %d bytes (QEMU reads at most %d)", i, extra, MAX_EXTRA_DATA);
            }
            long size = ENTRY_HEADER + extra + idSize + nameSize;
            tableBytes += size;
            if (tableBytes > limits.maxQcow2SnapshotTable()) {
                throw f.fail(Code.LIMIT_EXCEEDED, at, "snapshot table of more than %d bytes (limit %d)", tableBytes,
                        limits.maxQcow2SnapshotTable());
            }
            ByteBuffer rest = f.read(at + ENTRY_HEADER, (int) (size - ENTRY_HEADER), what);
            long vmStateSize = Integer.toUnsignedLong(e.getInt(32));
            long diskSize = h.size() & ~511L;
            long icount = -1;
            if (extra >= 8) {
                vmStateSize = rest.getLong(0);
            }
            if (extra >= 16) {
                diskSize = rest.getLong(8);
            }
            if (extra >= 24) {
                icount = rest.getLong(16);
            }
            byte[] id = new byte[idSize];
            byte[] name = new byte[nameSize];
            rest.get((int) extra, id).get((int) extra + idSize, name);
            out.add(new Snapshot(i, at, e.getLong(0), Integer.toUnsignedLong(e.getInt(8)), id, name,
                    Integer.toUnsignedLong(e.getInt(16)), Integer.toUnsignedLong(e.getInt(20)), e.getLong(24),
                    vmStateSize, diskSize, icount, (int) extra));
            at += size;
        }
        return out;
    }
}
