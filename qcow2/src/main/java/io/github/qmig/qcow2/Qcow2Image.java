package io.github.qmig.qcow2;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.io.ByteSource;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * A qcow2 disk image opened for its internal snapshots: the {@linkplain Qcow2Header header}, the
 * {@linkplain SnapshotTable snapshot table}, and each snapshot's {@linkplain VmState VM state} as a
 * seekable source that the migration reader reads in place, as it reads a file.
 *
 * <pre>
 * try (Qcow2Image image = Qcow2Image.open(channel, "vm.qcow2", ReadLimits.defaults())) {
 *     SnapshotChoice c = image.choose("s1-paused");            // an ID first, then a name
 *     MigrationReader r = MigrationReader.of(image.source(c.snapshot(), 0, false), options);
 * }
 * </pre>
 *
 * Only what the VM states need is read: the header cluster, the table, and per state its L1 and L2
 * entries and data clusters. The image's file must be seekable (the state is scattered over it).
 */
public final class Qcow2Image implements Closeable {

    private final ImageFile file;
    private final ByteSource data;
    private final Qcow2Header header;
    private final List<Snapshot> snapshots;
    private final ReadLimits limits;

    private Qcow2Image(ImageFile file, ByteSource data, Qcow2Header header, List<Snapshot> snapshots,
                       ReadLimits limits) {
        this.file = file;
        this.data = data;
        this.header = header;
        this.snapshots = List.copyOf(snapshots);
        this.limits = limits;
    }

    /**
     * Reads the header and the snapshot table of the image in {@code channel}, which the image
     * closes when it is closed.
     *
     * @throws MigrationFormatException for an image that is damaged or refused (external data file,
     *         encryption, unknown incompatible features), naming {@code name} and the offset in it
     */
    public static Qcow2Image open(FileChannel channel, String name, ReadLimits limits) throws IOException {
        ImageFile f = new ImageFile(channel, name);
        Qcow2Header h = Qcow2Header.read(f, limits);
        List<Snapshot> table = SnapshotTable.read(f, h, limits);
        return new Qcow2Image(f, ByteSource.of(channel, name, 0, true), h, table, limits);
    }

    public String name() {
        return file.name();
    }

    public Qcow2Header header() {
        return header;
    }

    /** The snapshot table, in table (creation) order. */
    public List<Snapshot> snapshots() {
        return snapshots;
    }

    /**
     * The snapshot {@code key} names (see {@link SnapshotChoice}).
     *
     * @throws MigrationFormatException QCOW2_SNAPSHOT_UNAVAILABLE when {@code key} is null (the
     *         message lists the snapshots), names none, or names a disk-only snapshot
     */
    public SnapshotChoice choose(String key) throws MigrationFormatException {
        return SnapshotChoice.choose(file, header, snapshots, key);
    }

    /** How the stream of {@code s} is named in messages: {@code vm.qcow2 (VM state of snapshot 1 's1')}. */
    public String label(Snapshot s) {
        return name() + " (VM state of snapshot " + s.describe() + ")";
    }

    /** The VM state of {@code s}, its geometry checked. */
    public VmState vmState(Snapshot s) throws IOException {
        return VmState.of(label(s), file, data.positional(), header, s, limits);
    }

    /**
     * The VM state of {@code s} as a seekable source starting at {@code start}, named {@link #label}.
     *
     * @param closesImage whether closing the source closes this image
     */
    public ByteSource source(Snapshot s, long start, boolean closesImage) throws IOException {
        VmState state = vmState(s);
        return ByteSource.of(state, state.name(), start, data, closesImage);
    }

    @Override
    public void close() throws IOException {
        data.close();
    }
}
