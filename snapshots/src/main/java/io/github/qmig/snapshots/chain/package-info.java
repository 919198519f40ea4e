/** Chains of saved states in a directory: a root and increments, updated atomically ({@code qmig chain}). */
package io.github.qmig.snapshots.chain;
