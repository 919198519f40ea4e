package io.github.qmig.compat.qemu;

import io.github.qmig.compat.CompatOptions;
import io.github.qmig.compat.CompatUsageException;
import io.github.qmig.compat.TargetException;
import io.github.qmig.compat.TargetRequest;
import io.github.qmig.compat.schema.VmstateSchema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Learns a {@link Target} as a {@link TargetRequest} names it: a binary is asked for its version,
 * machine types and (for a machine type it has) its schema, and probed when its command line is
 * given; a saved schema is read, a directory of them with its {@code version.txt} and {@code
 * machines.txt}.
 */
public final class Targets {

    private static final String DUMP = ".vmstate.json";

    private Targets() {
    }

    /** The target {@code request} names, started with machine type {@code machine}. */
    public static Target resolve(TargetRequest request, String machine, CompatOptions options) throws IOException {
        if (request instanceof TargetRequest.Binary b) {
            return binary(b, machine, options);
        }
        return saved((TargetRequest.Saved) request, machine, options);
    }

    private static Target binary(TargetRequest.Binary b, String machine, CompatOptions options) throws IOException {
        QemuCommand qemu = new QemuCommand(b.binary(), options);
        QemuVersion version = qemu.version();
        MachineTypes machines = qemu.machines();
        TargetArgs args = TargetArgs.of(b.args());
        if (!machines.contains(machine)) {
            return new Target(version, machine, machines, null, args, b.capabilities(), null);
        }
        VmstateSchema schema = qemu.dump(machine);
        Probe probe = b.probe() ? Prober.probe(b.binary(), machine, args, version, options) : null;
        return new Target(version, machine, machines, schema, args, b.capabilities(), probe);
    }

    private static Target saved(TargetRequest.Saved s, String machine, CompatOptions options) throws IOException {
        Path p = s.schema();
        String versionText = s.version();
        MachineTypes machines = null;
        Path dump = p;
        if (Files.isDirectory(p)) {
            if (versionText == null && Files.exists(p.resolve("version.txt"))) {
                versionText = text(p.resolve("version.txt"), options);
            }
            if (Files.exists(p.resolve("machines.txt"))) {
                machines = MachineTypes.parse(text(p.resolve("machines.txt"), options));
            }
            String cls = machines == null ? machine : Optional.ofNullable(machines.resolve(machine)).orElse(machine);
            dump = dumpIn(p, List.of(machine, cls));
        }
        if (versionText == null) {
            throw new CompatUsageException("the QEMU release of schema " + p + " is not known: give --qemu-version");
        }
        QemuVersion version;
        try {
            version = QemuVersion.parse(versionText);
        } catch (IllegalArgumentException e) {
            throw new CompatUsageException("--qemu-version: " + e.getMessage());
        }
        VmstateSchema schema = VmstateSchema.read(dump, options.limits());
        return new Target(version, machine, machines, schema, TargetArgs.of(s.args()), s.capabilities(), null);
    }

    /**
     * The dump for one of {@code names} in a schema directory, else any dump there: their content
     * does not depend on the machine type.
     */
    private static Path dumpIn(Path dir, List<String> names) throws IOException {
        for (String n : names) {
            for (String suffix : List.of("", ".zst", ".gz", ".xz")) {
                Path f = dir.resolve(n + DUMP + suffix);
                if (Files.isRegularFile(f)) {
                    return f;
                }
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().contains(DUMP)).sorted().findFirst()
                    .orElseThrow(() -> new TargetException(dir + ": no *" + DUMP + " schema in it"));
        }
    }

    private static String text(Path file, CompatOptions options) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(options.limits().maxTargetOutput()), StandardCharsets.UTF_8);
        }
    }
}
