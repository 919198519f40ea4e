/**
 * Snapshot sets (docs/snapshots.md): the final state of a save read once without a copy of its
 * RAM ({@link io.github.qmig.snapshots.SavedState}, a {@link io.github.qmig.snapshots.StateView}),
 * compared with a reference as it is read; the diff iterator
 * ({@link io.github.qmig.snapshots.ChangedPages}); the skeleton of a save, written again around
 * other pages ({@link io.github.qmig.snapshots.Skeleton}); state digests
 * ({@link io.github.qmig.snapshots.StateDigest}).
 */
package io.github.qmig.snapshots;
