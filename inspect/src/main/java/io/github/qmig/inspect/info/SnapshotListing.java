package io.github.qmig.inspect.info;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.qcow2.Qcow2Header;
import io.github.qmig.qcow2.Qcow2Image;
import io.github.qmig.qcow2.Snapshot;
import io.github.qmig.ramblock.RamMemSize;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code qmig info IMAGE.qcow2}: the internal snapshots of a qcow2 image, as {@code qemu-img
 * snapshot -l} lists them (the same columns, byte for byte, then more), and what each VM state
 * holds: the machine type and RAM size from its first records, and whether it is complete: it
 * ends with the EOF and VMDESCRIPTION records exactly at its recorded size, and every cluster of it
 * is stored in the image. A state's pages are not read ({@code qmig validate IMAGE@ID} does).
 */
public final class SnapshotListing {

    /** Events read of a state for its machine and RAM size at most (QEMU's RAM section comes first). */
    private static final int PROBE_EVENTS = 10_000;

    /**
     * One snapshot and what its VM state holds.
     *
     * @param machine  the CONFIGURATION's machine type, or null
     * @param ramBytes the RAM section's MEM_SIZE total, or -1
     * @param problem  why the state cannot be read, or null
     */
    public record Row(Snapshot snapshot, String machine, long ramBytes, boolean complete,
                      MigrationFormatException problem) {

        /** {@code complete}, {@code INCOMPLETE}, {@code damaged} or {@code disk-only}. */
        public String state() {
            return !snapshot.hasVmState() ? "disk-only" : problem != null ? "damaged" : complete ? "complete"
                    : "INCOMPLETE";
        }
    }

    private final String file;
    private final Qcow2Header header;
    private final List<Row> rows;

    private SnapshotListing(String file, Qcow2Header header, List<Row> rows) {
        this.file = file;
        this.header = header;
        this.rows = List.copyOf(rows);
    }

    /** Whether {@code file} is a qcow2 image: a regular file that starts with {@code QFI\xfb}. */
    public static boolean isImage(String file) throws IOException {
        Path p = Path.of(file);
        if (file.equals("-") || !Files.isRegularFile(p)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(4);
            return Qcow2Header.matches(head, head.length);
        }
    }

    /**
     * Reads the image's header and snapshot table and the first records of each VM state.
     *
     * @throws MigrationFormatException if the header or the table cannot be read; a damaged state
     *         is a row's {@link Row#problem()}
     */
    public static SnapshotListing read(Path image, ReadLimits limits) throws IOException {
        try (Qcow2Image img = Qcow2Image.open(FileChannel.open(image), image.toString(), limits)) {
            List<Row> rows = new ArrayList<>();
            for (Snapshot s : img.snapshots()) {
                rows.add(s.hasVmState() ? probe(img, s) : new Row(s, null, -1, false, null));
            }
            return new SnapshotListing(image.toString(), img.header(), rows);
        }
    }

    private static Row probe(Qcow2Image image, Snapshot s) throws IOException {
        String machine = null;
        long ram = -1;
        try (MigrationReader r = MigrationReader.of(image.source(s, 0, false), RamSectionCodec.defaultOptions())) {
            int n = 0;
            for (MigrationEvent e = r.next(); e != null && n < PROBE_EVENTS && !(e instanceof EndOfFile); e = r.next(), n++) {
                if (e instanceof Configuration c) {
                    machine = c.machine();
                } else if (e instanceof RamMemSize m && ram < 0) {
                    ram = m.totalBytes();
                } else if (e instanceof SectionEnd end && end.section().idstr().equals("ram")) {
                    break;
                }
            }
            MigrationFormatException unstored = image.vmState(s).unstored();
            return new Row(s, machine, ram, r.endsWithDescription() && unstored == null, unstored);
        } catch (MigrationFormatException e) {
            return new Row(s, machine, ram, false, e);
        }
    }

    public String file() {
        return file;
    }

    public Qcow2Header header() {
        return header;
    }

    public List<Row> rows() {
        return rows;
    }

    /**
     * What {@code qemu-img snapshot -l} prints (nothing without snapshots), each row followed by
     * disk size, machine, RAM size and state; an image line before, the problems after.
     */
    public String render(ZoneId zone) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Image:        %s%n", describe(header, file)));
        if (!rows.isEmpty()) {
            b.append("Snapshot list:\n").append(QemuSnapshotColumns.header())
                    .append(String.format(Locale.ROOT, " %10s %-16s %10s %s%n", "DISK_SIZE", "MACHINE", "RAM", "STATE"));
        }
        for (Row r : rows) {
            b.append(QemuSnapshotColumns.row(r.snapshot(), zone)).append(String.format(Locale.ROOT, " %10s %-16s %10s %s%n",
                    HumanInfo.bytes(r.snapshot().diskSize()), r.machine() == null ? "-" : Snapshot.printable(r.machine()),
                    r.ramBytes() < 0 ? "-" : HumanInfo.bytes(r.ramBytes()), r.state()));
        }
        for (Row r : rows) {
            if (r.problem() != null) {
                b.append(String.format(Locale.ROOT, "Snapshot %s: %s%n", r.snapshot().describe(), r.problem().getMessage()));
            }
        }
        return b.toString();
    }

    /** {@code vm.qcow2, qcow2 v3, cluster size 64 KiB, virtual size 32 MiB, zlib, 5 internal snapshots}. */
    static String describe(Qcow2Header h, String file) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s, qcow2 v%d, cluster size %s, virtual size %s",
                file, h.version(), HumanInfo.bytes(h.clusterSize()), HumanInfo.bytes(h.size())));
        if (h.version() == 3) {
            b.append(", ").append(h.compression()).append(" compression");
        }
        b.append(h.extendedL2() ? ", extended L2" : "").append(h.dirty() ? ", dirty" : "")
                .append(h.corrupt() ? ", marked CORRUPT" : "");
        if (h.backingFile() != null) {
            b.append(", backing file '").append(Snapshot.printable(h.backingFile())).append('\'');
        }
        int n = h.nbSnapshots();
        return b.append(n == 0 ? ", no internal snapshots" : n == 1 ? ", 1 internal snapshot"
                : ", " + n + " internal snapshots").toString();
    }

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode o = m.createObjectNode();
        o.put("file", file);
        o.put("format", "qcow2");
        image(o.putObject("qcow2"), header);
        ArrayNode list = o.putArray("snapshots");
        for (Row r : rows) {
            ObjectNode so = list.addObject();
            snapshot(so, r.snapshot());
            so.put("machine", r.machine());
            if (r.ramBytes() < 0) {
                so.putNull("ram_size");
            } else {
                so.put("ram_size", r.ramBytes());
            }
            so.put("state", r.state());
            so.put("complete", r.complete());
            if (r.problem() == null) {
                so.putNull("error");
            } else {
                ObjectNode err = so.putObject("error");
                err.put("message", r.problem().getMessage());
                err.put("code", r.problem().code().id());
                err.put("offset", r.problem().offset());
            }
        }
        return o;
    }

    /** The image's header fields, as {@code info --json} prints them for an image and for one snapshot's state. */
    static void image(ObjectNode o, Qcow2Header h) {
        o.put("version", h.version());
        o.put("cluster_size", h.clusterSize());
        o.put("virtual_size", h.size());
        o.put("compression", h.compression());
        o.put("extended_l2", h.extendedL2());
        o.put("dirty", h.dirty());
        o.put("corrupt", h.corrupt());
        o.put("backing_file", h.backingFile());
        o.put("nb_snapshots", h.nbSnapshots());
        o.put("snapshots_offset", h.snapshotsOffset());
    }

    /** One snapshot's table entry ({@code qemu-img info --output=json} names, in snake case, plus disk size). */
    static void snapshot(ObjectNode o, Snapshot s) {
        o.put("id", s.id());
        o.put("name", s.name());
        o.put("vm_state_size", s.vmStateSize());
        o.put("date_sec", s.dateSec());
        o.put("date_nsec", s.dateNsec());
        o.put("vm_clock_sec", Long.divideUnsigned(s.vmClockNsec(), 1_000_000_000L));
        o.put("vm_clock_nsec", Long.remainderUnsigned(s.vmClockNsec(), 1_000_000_000L));
        if (s.icount() == -1) {
            o.putNull("icount");
        } else {
            o.put("icount", s.icount());
        }
        o.put("disk_size", s.diskSize());
        o.put("l1_table_offset", s.l1TableOffset());
        o.put("l1_size", s.l1Size());
        o.put("entry_offset", s.entryOffset());
    }
}
