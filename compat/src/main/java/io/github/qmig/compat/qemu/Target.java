package io.github.qmig.compat.qemu;

import io.github.qmig.compat.schema.VmstateSchema;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What qmig knows of the QEMU a file is to be loaded into, each part possibly unknown: the binary's
 * release, its machine types ({@code -machine help}) and vmstate schema ({@code -dump-vmstate}),
 * the machine type and command line it is started with, the capabilities set on it before
 * {@code migrate-incoming}, and, when its command line was probed, the configured target itself.
 * Questions are answered from the most exact source there is (the probe, then the machine list and
 * schema, then the rules of {@link QemuReleases}), and "unknown" (empty) when none tells.
 *
 * @param version      the release
 * @param machine      the machine type as requested ({@code -machine}; may be an alias)
 * @param machines     the binary's machine types, or null when not known
 * @param schema       the binary's vmstate schema, or null (not made: the machine type is unknown)
 * @param args         its command line (empty when not given)
 * @param capabilities the migration capabilities set on it before loading
 * @param probe        the probe of its command line, or null when it was not probed
 */
public record Target(QemuVersion version, String machine, MachineTypes machines, VmstateSchema schema,
                     TargetArgs args, Set<String> capabilities, Probe probe) {

    public Target {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(args, "args");
        capabilities = Set.copyOf(capabilities);
    }

    /** Whether a started probe describes the configured target. */
    public boolean probed() {
        return probe != null && probe.started();
    }

    /** Whether the binary has the machine type: from its list, else from a schema made for it, else its version. */
    public Optional<Boolean> machineKnown() {
        if (machines != null) {
            return Optional.of(machines.contains(machine));
        }
        if (probed() || (schema != null && machine.equals(schema.machine()))) {
            return Optional.of(true);
        }
        // a versioned machine type keeps the behaviour of its release: no binary has one of a later release
        Optional<QemuVersion> mv = MachineTypes.versionOf(machine);
        if (mv.isPresent() && !version.atLeast(mv.get().major(), mv.get().minor())) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    /** The machine type's class name, which the configuration record is compared with, if known. */
    public Optional<String> machineClass() {
        if (probed() && probe.machineClass() != null) {
            return Optional.of(probe.machineClass());
        }
        if (machines != null) {
            return Optional.ofNullable(machines.resolve(machine));
        }
        if (schema != null && machine.equals(schema.machine())) {
            return Optional.of(machine);
        }
        return MachineTypes.versionOf(machine).map(v -> machine); // a versioned name is no alias
    }

    /** Whether the target writes and expects a configuration record ({@code migration.send-configuration}). */
    public Optional<Boolean> expectsConfiguration() {
        if (probed()) {
            return Optional.of(probe.configuration());
        }
        Optional<Boolean> set = args.migrationProperty("send-configuration");
        return set.isPresent() ? set : machineClass().flatMap(QemuReleases::machineSendsConfigurationAndFooters);
    }

    /** Whether the target writes and expects section footers ({@code migration.send-section-footer}). */
    public Optional<Boolean> expectsFooters() {
        if (probed()) {
            return Optional.of(probe.footers());
        }
        Optional<Boolean> set = args.migrationProperty("send-section-footer");
        return set.isPresent() ? set : machineClass().flatMap(QemuReleases::machineSendsConfigurationAndFooters);
    }

    /** Whether the target knows a migration capability: asked by the probe, else by release. */
    public Optional<Boolean> knowsCapability(String capability) {
        if (probed() && probe.capabilities() != null) {
            return Optional.of(probe.capabilities().contains(capability));
        }
        return QemuReleases.hasCapability(version, capability);
    }

    /** The machine type to report: its class name when known, else as requested. */
    public String machineName() {
        return machineClass().orElse(machine);
    }
}
