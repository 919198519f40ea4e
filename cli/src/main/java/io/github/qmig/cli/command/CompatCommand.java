package io.github.qmig.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.ProgressDisplay;
import io.github.qmig.cli.Offsets;
import io.github.qmig.cli.ProgressOption;
import io.github.qmig.cli.SnapshotOption;
import io.github.qmig.compat.Compat;
import io.github.qmig.compat.CompatOptions;
import io.github.qmig.compat.CompatReport;
import io.github.qmig.compat.CompatUsageException;
import io.github.qmig.compat.TargetRequest;
import io.github.qmig.input.MigrationInput;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "compat", mixinStandardHelpOptions = true,
        description = {"Will this saved VM load into that QEMU? Check FILE against a target QEMU, offline: machine "
                + "type, configuration section, capabilities, RAM blocks, footers, record kinds, and every section's "
                + "presence, version, subsections and field layout.",
                "With --qemu the binary is asked for its version, machine types and -dump-vmstate schema; with the "
                        + "target's command line after -- it is also probed (started with -S, never run, asked over "
                        + "QMP, saved, ended). --schema checks against a saved schema without any QEMU, and says what "
                        + "it cannot decide. Each problem has a code, the section and the byte offset; the first "
                        + "error is what QEMU reports (docs/compat.md lists the codes)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:compatible (as far as could be checked: see the info lines)",
            "1:incompatible, or FILE is not a readable migration file",
            "2:usage error",
            "3:I/O error: FILE missing or unreadable, the target binary or schema unusable, the probe failed"})
public final class CompatCommand implements Callable<Integer> {

    @Mixin
    SnapshotOption snapshot = new SnapshotOption();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Migration file, or - for standard input.")
    String file;

    @Parameters(index = "1..*", paramLabel = "TARGET-ARGS",
            description = "After --: the target's command line without the binary (-m, -smp, -device ...); with "
                    + "--qemu the target is probed with it, with --schema only its -machine and -global migration.* "
                    + "are read.")
    List<String> targetArgs = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--qemu", paramLabel = "BINARY", required = true,
                description = "The target QEMU (qemu-system-ARCH, or a script that execs one).")
        String qemu;

        @Option(names = "--schema", paramLabel = "DUMP", required = true,
                description = "A saved -dump-vmstate output (plain or compressed), or a directory with "
                        + "version.txt, machines.txt and MACHINE.vmstate.json[.zst].")
        Path schema;
    }

    @Option(names = "--machine", paramLabel = "M",
            description = "The target's machine type (default: -machine in TARGET-ARGS, else FILE's).")
    String machine;

    @Option(names = "--qemu-version", paramLabel = "V",
            description = "The release of a --schema file (e.g. 10.0.2), when no version.txt is beside it.")
    String qemuVersion;

    @Option(names = "--capability", paramLabel = "NAME", split = ",",
            description = "A migration capability the target is given before loading (repeatable, or comma-separated).")
    List<String> capabilities = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object (field names are stable).")
    boolean json;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = Offsets.class,
            description = "Byte offset where the stream starts in FILE (as in file:PATH,offset=N).")
    long offset;

    @Option(names = "--probe-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Limit for probing the target, start to end (default: ${DEFAULT-VALUE}).")
    long probeTimeout;

    @Override
    public Integer call() throws Exception {
        if (!targetArgs.isEmpty() && !spec.commandLine().getParseResult().originalArgs().contains("--")) {
            throw new ParameterException(spec.commandLine(), "the target's command line goes after --: "
                    + "unexpected " + targetArgs.get(0));
        }
        if (probeTimeout <= 0) {
            throw new ParameterException(spec.commandLine(), "--probe-timeout must be positive");
        }
        if (qemuVersion != null && source.qemu != null) {
            throw new ParameterException(spec.commandLine(), "--qemu-version goes with --schema (--qemu asks the binary)");
        }
        TargetRequest request = source.qemu != null
                ? new TargetRequest.Binary(source.qemu, machine, targetArgs, !targetArgs.isEmpty(), Set.copyOf(capabilities))
                : new TargetRequest.Saved(source.schema, qemuVersion, machine, targetArgs, Set.copyOf(capabilities));
        CompatOptions options = CompatOptions.defaults().withProbeTimeout(Duration.ofSeconds(probeTimeout));
        CompatReport report;
        try (MigrationInput in = snapshot.open(file, offset, spec.commandLine().getErr());
             ProgressDisplay shown = ProgressOption.attach(spec, in)) {
            report = Compat.check(in, request, options);
        } catch (CompatUsageException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report.toJson()));
        } else {
            report.text(out);
        }
        out.flush();
        return (report.compatible() ? ExitCode.OK : ExitCode.INVALID).code();
    }
}
