package io.github.qmig.qcow2;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;

import java.util.List;

/**
 * The snapshot whose VM state is read, chosen by an ID or a name as QEMU's qcow2 driver finds one
 * (block/qcow2-snapshot.c {@code find_snapshot_by_id_or_name}): an exact ID first, then a name.
 * Names need not be unique (a VM with several snapshot-capable nodes makes one entry per node, only
 * one with VM state): of the snapshots with that name, the one with VM state is taken; several with
 * VM state are ambiguous, and the ID chooses among them.
 *
 * @param image  the image's header
 * @param note   how the choice was made when the key could have meant another snapshot, or null
 */
public record SnapshotChoice(Qcow2Header image, Snapshot snapshot, String note) {

    private static final int LISTED = 8;

    static SnapshotChoice choose(ImageFile f, Qcow2Header h, List<Snapshot> all, String key)
            throws MigrationFormatException {
        long table = h.nbSnapshots() > 0 ? h.snapshotsOffset() : 60;
        if (key == null) {
            throw f.fail(Code.QCOW2_SNAPSHOT_UNAVAILABLE, table, "a qcow2 image holds VM states in its internal "
                    + "snapshots only, %s", all.isEmpty() ? "and this one has none"
                    : "choose one with --snapshot ID|NAME or " + f.name() + "@NAME (" + list(all) + ")");
        }
        List<Snapshot> byId = all.stream().filter(s -> s.id().equals(key)).toList();
        List<Snapshot> byName = all.stream().filter(s -> s.name().equals(key)).toList();
        Snapshot chosen;
        String note = null;
        if (byId.size() == 1) {
            chosen = byId.get(0);
            List<Snapshot> others = byName.stream().filter(s -> s != byId.get(0)).toList();
            if (!others.isEmpty()) {
                note = String.format("'%s' is the ID of snapshot %s and the name of snapshot %s; IDs are matched first, "
                        + "as QEMU's qcow2 driver does", Snapshot.printable(key), chosen.describe(), others.get(0).describe());
            }
        } else if (byId.size() > 1) {
            throw f.fail(Code.QCOW2_SNAPSHOT_UNAVAILABLE, table, "%d snapshots have the ID '%s' (%s)", byId.size(),
                    Snapshot.printable(key), list(byId));
        } else if (byName.isEmpty()) {
            throw f.fail(Code.QCOW2_SNAPSHOT_UNAVAILABLE, table, "no snapshot has the ID or name '%s' (%s)",
                    Snapshot.printable(key), list(all));
        } else {
            List<Snapshot> withState = byName.stream().filter(Snapshot::hasVmState).toList();
            if (withState.size() > 1) {
                throw f.fail(Code.QCOW2_SNAPSHOT_UNAVAILABLE, table, "%d snapshots with VM state are named '%s': choose "
                        + "one by its ID (%s)", withState.size(), Snapshot.printable(key), list(withState));
            }
            chosen = withState.isEmpty() ? byName.get(0) : withState.get(0);
            if (byName.size() > 1) {
                note = String.format("%d snapshots are named '%s'; snapshot %s is %s", byName.size(),
                        Snapshot.printable(key), chosen.describe(), withState.isEmpty() ? "the first"
                                : "the one with VM state");
            }
        }
        if (!chosen.hasVmState()) {
            throw f.fail(Code.QCOW2_SNAPSHOT_UNAVAILABLE, chosen.entryOffset() + 32, "snapshot %s is a disk-only "
                    + "snapshot: it holds no VM state (QEMU: \"This is a disk-only snapshot. Revert to it offline using "
                    + "qemu-img\")", chosen.describe());
        }
        return new SnapshotChoice(h, chosen, note);
    }

    /** {@code snapshots: 1 's1-paused', 3 's3' (disk-only), ... and 4 more}. */
    private static String list(List<Snapshot> snapshots) {
        StringBuilder b = new StringBuilder("snapshots: ");
        for (int i = 0; i < snapshots.size() && i < LISTED; i++) {
            Snapshot s = snapshots.get(i);
            b.append(i > 0 ? ", " : "").append(s.describe()).append(s.hasVmState() ? "" : " (disk-only)");
        }
        if (snapshots.size() > LISTED) {
            b.append(" and ").append(snapshots.size() - LISTED).append(" more");
        }
        return b.toString();
    }
}
