/**
 * Will this saved VM load into that QEMU? {@link io.github.qmig.compat.Compat} reads a saved
 * stream once into {@link io.github.qmig.compat.StreamFacts}, learns the target
 * ({@link io.github.qmig.compat.qemu}: a QEMU binary's version, machine types and
 * {@code -dump-vmstate} schema, and a probe of its configured command line; or a saved schema) and
 * runs one check per refusal QEMU's start-up or loader makes ({@link io.github.qmig.compat.checks}),
 * each problem with a stable {@link io.github.qmig.compat.CompatCode}, the section and the byte
 * offset, in the order QEMU meets them.
 */
package io.github.qmig.compat;
