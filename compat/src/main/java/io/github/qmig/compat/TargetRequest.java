package io.github.qmig.compat;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The target a file is checked against, as the user names it: a QEMU binary to ask (and, with its
 * command line, to probe), or a saved schema for a check without any QEMU.
 */
public sealed interface TargetRequest {

    /** The machine type asked for, or null: then the command line's {@code -M}, else the file's. */
    String machine();

    /** The target's command line after {@code --} (empty: none given). */
    List<String> args();

    /** Capabilities set on the target before loading. */
    Set<String> capabilities();

    /**
     * A QEMU binary (or a wrapper script that execs one): asked for its version, machine types and
     * schema, and probed when {@code probe} (its command line given).
     */
    record Binary(String binary, String machine, List<String> args, boolean probe, Set<String> capabilities)
            implements TargetRequest {
        public Binary {
            Objects.requireNonNull(binary, "binary");
            args = List.copyOf(args);
            capabilities = Set.copyOf(capabilities);
        }
    }

    /**
     * A saved {@code -dump-vmstate} output (plain or compressed), or a directory as
     * testdata/compat/schemas has them ({@code version.txt}, {@code machines.txt},
     * {@code <machine>.vmstate.json[.zst]}).
     *
     * @param version the release ({@code --qemu-version}), or null to take it from {@code version.txt}
     */
    record Saved(Path schema, String version, String machine, List<String> args, Set<String> capabilities)
            implements TargetRequest {
        public Saved {
            Objects.requireNonNull(schema, "schema");
            args = List.copyOf(args);
            capabilities = Set.copyOf(capabilities);
        }
    }
}
