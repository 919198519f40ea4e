/**
 * Increments: written ({@link io.github.qmig.snapshots.increment.IncrementWriter}, {@code qmig
 * delta}), stacked on a base and presented as the top level's event stream
 * ({@link io.github.qmig.snapshots.increment.Layers}, {@code qmig apply}), written out
 * ({@link io.github.qmig.snapshots.increment.Restore}), or read in place as one state
 * ({@link io.github.qmig.snapshots.increment.StackView}). The header format is the input layer's
 * {@link io.github.qmig.input.IncrementHeader}.
 */
package io.github.qmig.snapshots.increment;
