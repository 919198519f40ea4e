package io.github.qmig.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.Offsets;
import io.github.qmig.cli.ProgressDisplay;
import io.github.qmig.cli.ProgressOption;
import io.github.qmig.cli.SnapshotOption;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.info.HumanInfo;
import io.github.qmig.inspect.info.InfoReport;
import io.github.qmig.inspect.info.SnapshotListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Summarise a migration file: machine, capabilities, RAM blocks, record counts, sections.",
            "A qcow2 image without --snapshot: list its internal snapshots as qemu-img snapshot -l does (dates in "
                + "local time, TZ), with each VM state's disk size, machine, RAM size and state."})
public final class InfoCommand implements Callable<Integer> {

    @Mixin
    SnapshotOption snapshot = new SnapshotOption();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Migration file (or qcow2 image), or - for standard input.")
    String file;

    @Option(names = "--json", description = "Print one JSON object (field names are stable).")
    boolean json;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = Offsets.class,
            description = "Byte offset where the stream starts (as in file:PATH,offset=N).")
    long offset;

    @Override
    public Integer call() throws Exception {
        if (snapshot.snapshot() == null && SnapshotListing.isImage(file)) {
            return list();
        }
        PrintWriter out = spec.commandLine().getOut();
        try (MigrationInput in = snapshot.open(file, offset, spec.commandLine().getErr());
             ProgressDisplay shown = ProgressOption.attach(spec, in)) {
            InfoReport report = InfoReport.of(in);
            if (json) {
                ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(m.writeValueAsString(report.toJson(m)));
            } else {
                out.print(HumanInfo.render(report));
            }
            out.flush();
            if (report.error() != null) {
                spec.commandLine().getErr().println("qmig: " + report.error().getMessage());
                return ExitCode.INVALID.code();
            }
            return ExitCode.OK.code();
        }
    }

    /** The internal snapshots of a qcow2 image; exit code 1 if a VM state is damaged. */
    private int list() throws Exception {
        SnapshotListing listing = SnapshotListing.read(Path.of(file), ReadLimits.defaults());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(m.writeValueAsString(listing.toJson(m)));
        } else {
            out.print(listing.render(ZoneId.systemDefault()));
        }
        out.flush();
        for (SnapshotListing.Row r : listing.rows()) {
            if (r.problem() != null) {
                spec.commandLine().getErr().println("qmig: " + r.problem().getMessage());
                return ExitCode.INVALID.code();
            }
        }
        return ExitCode.OK.code();
    }
}
