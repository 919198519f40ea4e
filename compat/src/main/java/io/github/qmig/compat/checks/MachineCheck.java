package io.github.qmig.compat.checks;

import io.github.qmig.codec.Configuration;
import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.QemuReleases;
import io.github.qmig.compat.qemu.Target;

import java.util.Optional;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * The machine type: the target binary must have it (else QEMU does not start, system/vl.c
 * {@code select_machine}), and a file with a configuration record loads only into the machine
 * type it names (migration/savevm.c {@code configuration_post_load} compares the received name
 * with the target's class name, an alias resolved, for the received name's length). Without a
 * configuration record nothing compares machine types: the sections decide.
 */
public final class MachineCheck implements Check {

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        String machine = target.machine();
        Optional<Boolean> known = target.machineKnown();
        if (known.isPresent() && !known.get()) {
            out.add(CompatCode.MACHINE_UNKNOWN, -1, "QEMU %s has no machine type %s; it does not start with it%s",
                    target.version(), machine, qemu(QemuReleases.unsupportedMachine(target.version(), machine)));
            return;
        }
        if (known.isEmpty()) {
            out.add(CompatCode.MACHINE_UNCHECKED, -1, "whether QEMU %s has machine type %s is not known: give its "
                    + "-machine help output (machines.txt beside the schema) or the binary (--qemu)",
                    target.version(), machine);
        }
        if (target.machines() != null && target.machines().deprecated(machine)) {
            out.add(CompatCode.MACHINE_DEPRECATED, -1, "QEMU %s deprecates machine type %s: a later release may "
                    + "remove it%s", target.version(), machine, qemu("warning: Machine type '%s' is deprecated",
                    target.machineName()));
        }
        Configuration c = file.configuration();
        if (c == null) {
            if (target.expectsConfiguration().orElse(false)) {
                return; // configuration-missing says it
            }
            out.add(CompatCode.MACHINE_NOT_COMPARED, -1, "the file has no configuration section: QEMU does not "
                    + "compare machine types, only the sections decide whether it loads");
            return;
        }
        if (!target.expectsConfiguration().orElse(true)) {
            return; // configuration-unexpected says it
        }
        Optional<String> local = target.machineClass();
        if (local.isEmpty()) {
            if (known.orElse(false)) {
                out.add(CompatCode.MACHINE_UNCHECKED, c.offset(), "the class name of machine type %s is not known, "
                        + "so it is not compared with the file's %s: give the -machine help output", machine,
                        c.machine());
            }
            return;
        }
        // strncmp(received, local, received_len): a received name that is a prefix of the local one passes
        if (!local.get().startsWith(c.machine())) {
            out.add(CompatCode.MACHINE_MISMATCH, c.offset(), "the file was saved with machine type %s and the target "
                    + "runs %s; QEMU loads a file only into the machine type it names%s", c.machine(), local.get(),
                    qemu("Machine type received is '%s' and local is '%s'", c.machine(), local.get()));
        }
    }
}
