package io.github.qmig.compat;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.compat.checks.CapabilityCheck;
import io.github.qmig.compat.checks.Check;
import io.github.qmig.compat.checks.ConfigurationCheck;
import io.github.qmig.compat.checks.FieldLayoutCheck;
import io.github.qmig.compat.checks.FooterCheck;
import io.github.qmig.compat.checks.MachineCheck;
import io.github.qmig.compat.checks.Problems;
import io.github.qmig.compat.checks.RamBlockCheck;
import io.github.qmig.compat.checks.RecordCheck;
import io.github.qmig.compat.checks.SectionCheck;
import io.github.qmig.compat.checks.StartCheck;
import io.github.qmig.compat.checks.SubsectionCheck;
import io.github.qmig.compat.qemu.Target;
import io.github.qmig.compat.qemu.TargetArgs;
import io.github.qmig.compat.qemu.Targets;
import io.github.qmig.input.Compression;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code qmig compat} as a library call: will this saved VM load into that QEMU? The file is read
 * once, front to back, into {@link StreamFacts}; the target is learned ({@link Targets}: a binary
 * asked and probed, or a saved schema); then each {@link Check} judges one thing QEMU's start-up or
 * loader refuses, in the order QEMU meets them.
 */
public final class Compat {

    /** In QEMU's order: start-up, configuration record, RAM block list, footers, records, devices. */
    private static final List<Check> CHECKS = List.of(new MachineCheck(), new StartCheck(), new CapabilityCheck(),
            new ConfigurationCheck(), new RamBlockCheck(), new FooterCheck(), new RecordCheck(), new SectionCheck(),
            new SubsectionCheck(), new FieldLayoutCheck());

    private Compat() {
    }

    /**
     * Checks the stream of {@code in} against the target {@code request} names; closing {@code in}
     * is the caller's business.
     *
     * @throws CompatUsageException if no machine type can be chosen
     * @throws TargetException      if the target cannot be asked or its schema read
     * @throws IOException          if the file cannot be read (not for a bad file: that is a problem)
     */
    public static CompatReport check(MigrationInput in, TargetRequest request, CompatOptions options)
            throws IOException {
        StreamFacts facts = new StreamFacts(options.limits().maxTrackedSections());
        CompatProblem unreadable = read(in, facts, options);
        Target target = Targets.resolve(request, machineFor(request, facts, in.name()), options);
        return check(in.name(), facts, unreadable, target);
    }

    /**
     * Judges gathered facts against a known target (what {@link #check(MigrationInput, TargetRequest,
     * CompatOptions)} does once both are at hand).
     *
     * @param unreadable the problem that stopped reading the file, or null
     */
    public static CompatReport check(String name, StreamFacts facts, CompatProblem unreadable, Target target) {
        Problems out = new Problems();
        if (unreadable != null) {
            out.add(unreadable);
            if (facts.headerOffset() < 0) { // not a migration stream at all: nothing else to judge
                return new CompatReport(name, target.version().toString(), target.machineName(), target.probed(),
                        out.sorted());
            }
        }
        for (Check c : CHECKS) {
            c.check(facts, target, out);
            if (out.has(CompatCode.MACHINE_UNKNOWN)) {
                break; // the target does not start: nothing else is asked
            }
        }
        return new CompatReport(name, target.version().toString(), target.machineName(), target.probed(), out.sorted());
    }

    /** Reads the stream into {@code facts}; a file that cannot be read to its end gives the problem that stopped it. */
    static CompatProblem read(MigrationInput in, StreamFacts facts, CompatOptions options) throws IOException {
        try {
            in.reader(RamSectionCodec.withoutMappedPages(ReadOptions.defaults().withLimits(options.limits())))
                    .feed(facts);
            return null;
        } catch (MigrationFormatException e) {
            return new CompatProblem(CompatCode.FILE_INVALID, e.section() == null ? null : e.section().idstr(),
                    e.section() == null ? -1 : Integer.toUnsignedLong(e.section().instanceId()), e.offset(),
                    "the file cannot be read past this byte, and QEMU will not load it either: " + e.detail()
                            + " (qmig validate: " + e.code().id() + ")");
        } catch (IOException e) {
            if (!Compression.isCorruptData(e)) {
                throw e;
            }
            return new CompatProblem(CompatCode.FILE_INVALID, null, -1, -1,
                    "the compressed data around the stream is corrupt or cut short: " + e.getMessage());
        }
    }

    /** The machine type asked for, else the command line's {@code -M}, else the one the file names. */
    static String machineFor(TargetRequest request, StreamFacts facts, String name) {
        Optional<String> inArgs = TargetArgs.of(request.args()).machineType();
        if (request.machine() != null && inArgs.isPresent() && !request.machine().equals(inArgs.get())) {
            throw new CompatUsageException("--machine " + request.machine() + " and the target's -machine "
                    + inArgs.get() + " differ");
        }
        if (request.machine() != null) {
            return request.machine();
        }
        if (inArgs.isPresent()) {
            return inArgs.get();
        }
        if (facts.configuration() != null) {
            return facts.configuration().machine();
        }
        throw new CompatUsageException(name + " names no machine type (it has no configuration section): give "
                + "--machine, or -machine in the target's arguments");
    }
}
