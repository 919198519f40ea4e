package io.github.qmig.compat.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a QEMU release's loader reads, where it differs between releases, and what a machine type
 * sets for migration. Each rule cites where QEMU has it; only the rules a saved file can meet are
 * here, and a question none answers is "unknown" (never a guess).
 */
public final class QemuReleases {

    private QemuReleases() {
    }

    /**
     * Whether the loader reads zlib COMPRESS_PAGE records at all: QEMU 9.1 removed them
     * (migration/ram.c {@code ram_load_precopy} has no case for 0x100 since).
     */
    public static boolean readsCompressedPages(QemuVersion v) {
        return !v.atLeast(9, 1);
    }

    /** Whether the loader knows the MULTIFD_FLUSH record (0x200), added in 8.0 ({@code hw_compat_7_2}). */
    public static boolean readsMultifdFlush(QemuVersion v) {
        return v.atLeast(8, 0);
    }

    /**
     * The highest command number the loader knows ({@code MIG_CMD_MAX - 1},
     * migration/savevm.c {@code loadvm_process_command}): 10.0 added SWITCHOVER_START (11).
     */
    public static int highestCommand(QemuVersion v) {
        return v.atLeast(10, 0) ? 11 : 10;
    }

    /**
     * Whether the release has a migration capability (qapi/migration.json), where that changed:
     * {@code compress} and {@code block} were removed in 9.1, {@code mapped-ram} added in 9.0,
     * {@code x-ignore-shared} in 4.0; empty for other names (a probe asks the target itself).
     */
    public static Optional<Boolean> hasCapability(QemuVersion v, String capability) {
        return switch (capability) {
            case "compress", "block" -> Optional.of(!v.atLeast(9, 1));
            case "mapped-ram" -> Optional.of(v.atLeast(9, 0));
            case "x-ignore-shared" -> Optional.of(v.atLeast(4, 0));
            default -> Optional.empty();
        };
    }

    /**
     * The capabilities the loader compares between the file's configuration and its own state
     * (migration/savevm.c {@code should_validate_capability}).
     */
    public static List<String> validatedCapabilities(QemuVersion v) {
        List<String> out = new ArrayList<>();
        if (v.atLeast(4, 0)) {
            out.add("x-ignore-shared");
        }
        if (v.atLeast(9, 0)) {
            out.add("mapped-ram");
        }
        return out;
    }

    /**
     * What QEMU prints for an unknown {@code -machine} (system/vl.c {@code select_machine}): the
     * name was added in 9.1.
     */
    public static String unsupportedMachine(QemuVersion v, String machine) {
        return v.atLeast(9, 1) ? "unsupported machine type: \"" + machine + "\"" : "unsupported machine type";
    }

    /**
     * The default of the {@code migration} properties {@code send-configuration} and {@code
     * send-section-footer} for a machine type (both off for 2.3 and older, {@code hw_compat_2_3}
     * in hw/core/machine.c); empty for Xen machine types, whose set-up changes them.
     */
    public static Optional<Boolean> machineSendsConfigurationAndFooters(String machineClass) {
        if (machineClass.startsWith("xen")) {
            return Optional.empty();
        }
        return Optional.of(MachineTypes.versionOf(machineClass).map(mv -> mv.atLeast(2, 4)).orElse(true));
    }
}
