package io.github.qmig.qcow2;

import java.nio.charset.StandardCharsets;

/**
 * One entry of a qcow2 image's internal snapshot table, as block/qcow2-snapshot.c
 * {@code qcow2_do_read_snapshots} reads it (see {@link SnapshotTable} for the layout). Sizes and
 * clocks are unsigned 64-bit on disk; the ID and name are bytes (QEMU does not check them), kept as
 * read and shown as UTF-8 up to the first NUL, as QEMU's C strings end there.
 */
public final class Snapshot {

    private final int index;
    private final long entryOffset;
    private final long l1TableOffset;
    private final long l1Size;
    private final byte[] id;
    private final byte[] name;
    private final long dateSec;
    private final long dateNsec;
    private final long vmClockNsec;
    private final long vmStateSize;
    private final long diskSize;
    private final long icount;
    private final int extraDataSize;

    Snapshot(int index, long entryOffset, long l1TableOffset, long l1Size, byte[] id, byte[] name, long dateSec,
             long dateNsec, long vmClockNsec, long vmStateSize, long diskSize, long icount, int extraDataSize) {
        this.index = index;
        this.entryOffset = entryOffset;
        this.l1TableOffset = l1TableOffset;
        this.l1Size = l1Size;
        this.id = id;
        this.name = name;
        this.dateSec = dateSec;
        this.dateNsec = dateNsec;
        this.vmClockNsec = vmClockNsec;
        this.vmStateSize = vmStateSize;
        this.diskSize = diskSize;
        this.icount = icount;
        this.extraDataSize = extraDataSize;
    }

    /** Position in the table, from 0 (table order is creation order). */
    public int index() {
        return index;
    }

    /** Offset of this entry in the image file. */
    public long entryOffset() {
        return entryOffset;
    }

    public long l1TableOffset() {
        return l1TableOffset;
    }

    /** Entries of this snapshot's own L1 table. */
    public long l1Size() {
        return l1Size;
    }

    public String id() {
        return cString(id);
    }

    public String name() {
        return cString(name);
    }

    /** Seconds since the epoch (UTC) when the snapshot was taken. */
    public long dateSec() {
        return dateSec;
    }

    public long dateNsec() {
        return dateNsec;
    }

    /** The guest's virtual clock at the save, in nanoseconds (unsigned). */
    public long vmClockNsec() {
        return vmClockNsec;
    }

    /** Bytes of VM state (unsigned): the migration stream's exact length; 0 for a disk-only snapshot. */
    public long vmStateSize() {
        return vmStateSize;
    }

    /** The virtual disk size when the snapshot was taken (extra data; else the header's size). */
    public long diskSize() {
        return diskSize;
    }

    /** The instruction count of record/replay, or -1 if none. */
    public long icount() {
        return icount;
    }

    public int extraDataSize() {
        return extraDataSize;
    }

    public boolean hasVmState() {
        return vmStateSize != 0;
    }

    /** {@code 1 's1-paused'}, printable (for messages). */
    public String describe() {
        return printable(id()) + " '" + printable(name()) + "'";
    }

    /** Bytes as QEMU's C strings are: up to the first NUL, here decoded as UTF-8. */
    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** {@code s} with control characters as {@code \xNN}, so a name from a file cannot drive a terminal. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "snapshot " + describe();
    }
}
