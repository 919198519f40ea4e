package io.github.qmig.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.Offsets;
import io.github.qmig.cli.ProgressDisplay;
import io.github.qmig.cli.ProgressOption;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.info.HumanInfo;
import io.github.qmig.inspect.info.InfoReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Summarise a migration file: machine, capabilities, RAM blocks, record counts, sections.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Migration file, or - for standard input.")
    String file;

    @Option(names = "--json", description = "Print one JSON object (field names are stable).")
    boolean json;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = Offsets.class,
            description = "Byte offset where the stream starts (as in file:PATH,offset=N).")
    long offset;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (MigrationInput in = MigrationInput.open(file, offset);
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
}
