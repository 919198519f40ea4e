package io.github.qmig.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.qmig.cli.ExitCode;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.snapshots.diff.Differ;
import io.github.qmig.snapshots.diff.HumanDiff;
import io.github.qmig.snapshots.diff.StateDiff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare the saved states of two migration files: the RAM pages whose final content differs "
                + "(per block, with their ranges; what SYX snapshots call page inconsistencies), blocks only in one "
                + "of them, device sections added, removed or changed (with the decoded fields that differ), and the "
                + "configuration.",
            "States are compared, not files: every page record is replayed, so the same state saved as a stream "
                + "or as mapped-ram, paused or live, compares identical."},
        exitCodeListHeading = "%nExit codes (as diff(1) and cmp(1)):%n",
        exitCodeList = {
            "0:identical",
            "1:different",
            "2:usage error",
            "3:I/O or internal error",
            "4:a file is invalid or unreadable as a migration file"})
public final class DiffCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "First migration file (any input qmig reads), or -.")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "Second migration file, or -.")
    String b;

    @Option(names = "--json", description = "Print one JSON object (field names are stable).")
    boolean json;

    @Option(names = "--pages", description = "List every range of changed pages (offset +length, in bytes within the block).")
    boolean pages;

    @Override
    public Integer call() throws Exception {
        if (a.equals("-") && b.equals("-")) {
            throw new ParameterException(spec.commandLine(), "only one of A and B can be standard input");
        }
        StateDiff d;
        try {
            d = Differ.compare(a, b, ReadLimits.defaults(), Path.of(System.getProperty("java.io.tmpdir")));
        } catch (MigrationFormatException e) {
            spec.commandLine().getErr().println("qmig: " + e.getMessage());
            return ExitCode.INVALID_WHEN_COMPARING.code();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(m.writeValueAsString(d.toJson(m)));
        } else {
            out.print(HumanDiff.render(d, pages));
        }
        out.flush();
        return d.identical() ? ExitCode.OK.code() : ExitCode.DIFFERENT.code();
    }
}
