package io.github.qmig.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.Offsets;
import io.github.qmig.cli.ProgressDisplay;
import io.github.qmig.cli.ProgressOption;
import io.github.qmig.cli.SnapshotOption;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.dump.AnalyzeMigrationRenderer;
import io.github.qmig.inspect.dump.DumpCollector;
import io.github.qmig.inspect.dump.MigrationDump;
import io.github.qmig.inspect.dump.QmigDumpRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Print a migration file as one JSON document: header, configuration, every section "
                + "with offsets, sizes and the device state decoded with the file's VMDESCRIPTION, RAM as "
                + "counts per block.",
            "--format analyze-migration prints what QEMU's scripts/analyze-migration.py prints "
                + "(-d state), --desc what it prints with -d desc."})
public final class DumpCommand implements Callable<Integer> {

    @Mixin
    SnapshotOption snapshot = new SnapshotOption();

    static final String QMIG = "qmig";
    static final String ANALYZE = "analyze-migration";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Migration file (or qcow2 image), or - for standard input.")
    String file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = QMIG,
            description = "qmig (default) or analyze-migration.")
    String format;

    @Option(names = "--desc", description = "Print the VMDESCRIPTION as analyze-migration.py -d desc does "
            + "(null if the file has none).")
    boolean desc;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = Offsets.class,
            description = "Byte offset where the stream starts (as in file:PATH,offset=N).")
    long offset;

    @Override
    public Integer call() throws Exception {
        if (!format.equals(QMIG) && !format.equals(ANALYZE)) {
            throw new ParameterException(spec.commandLine(),
                    "--format must be " + QMIG + " or " + ANALYZE + " (was '" + format + "')");
        }
        PrintWriter out = spec.commandLine().getOut();
        MigrationDump dump;
        IncrementHeader increment;
        try (MigrationInput in = snapshot.open(file, offset, spec.commandLine().getErr());
             ProgressDisplay shown = ProgressOption.attach(spec, in)) {
            increment = in.increment();
            dump = DumpCollector.read(in, ReadLimits.defaults());
        }
        if (desc) {
            String text = AnalyzeMigrationRenderer.desc(dump);
            if (text == null) {
                spec.commandLine().getErr().println("qmig: " + (dump.descriptionError() != null
                        ? dump.descriptionError() : dump.source() + " has no VMDESCRIPTION"));
                text = "null\n";
            }
            out.print(text);
        } else if (format.equals(ANALYZE)) {
            out.print(AnalyzeMigrationRenderer.state(dump));
        } else {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = QmigDumpRenderer.render(dump);
            if (increment != null) { // what the stream is: only the pages that differ from its base
                root.putObject("increment").put("base", increment.base()).put("result", increment.result())
                        .put("pages", increment.pages()).put("stream_digest", increment.streamDigest());
            }
            out.println(m.writeValueAsString(root));
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
