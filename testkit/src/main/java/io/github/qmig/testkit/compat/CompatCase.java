package io.github.qmig.testkit.compat;

import java.util.Objects;

/**
 * One row of the compatibility matrix: a saved file and a target to load it into.
 *
 * @param id short unique name of the row
 * @param file the migration file, relative to {@code testdata/} (a {@code .mig.zst} with its sidecar)
 * @param target the QEMU that loads it
 * @param check what a compatibility check has to conclude: {@code ok} (loads) or the kind of
 *     problem ({@code machine-type}, {@code ram-block}, {@code section}, ...), as predicted when the
 *     row was written; the matrix records what QEMU actually did
 * @param description what the row shows
 */
public record CompatCase(String id, String file, CompatTarget target, String check, String description) {

    /** Validates. */
    public CompatCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(description, "description");
    }
}
