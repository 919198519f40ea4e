package io.github.qmig.cli.command;

import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.SyncOption;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.snapshots.increment.IncrementWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "delta", mixinStandardHelpOptions = true,
        description = {"Write an increment: the pages of B whose content differs from A's (a page that became zero "
                + "as a ZERO record), with all of B's device state and configuration, the digests of A's and B's "
                + "states and of its own bytes. Every qmig command reads it; qmig apply A D rebuilds B.",
            "The output appears only when complete."})
public final class DeltaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SyncOption sync = new SyncOption();

    @Option(names = "--base", required = true, paramLabel = "A", description = "The save the increment applies to, or -.")
    String base;

    @Parameters(index = "0", paramLabel = "B", description = "The save the increment gives, or -.")
    String save;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "D", description = "The increment to write.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (base.equals("-") && save.equals("-")) {
            throw new ParameterException(spec.commandLine(), "only one of A and B can be standard input");
        }
        OutputOptions o = sync.apply(OutputOptions.defaults());
        IncrementWriter.Written w = IncrementWriter.delta(base, save, output, o, ReadLimits.defaults());
        IncrementHeader h = w.header();
        spec.commandLine().getOut().printf("%s: %d pages, %d bytes; base %s, result %s%n", output, h.pages(), w.bytes(),
                IncrementHeader.shortForm(h.base()), IncrementHeader.shortForm(h.result()));
        return ExitCode.OK.code();
    }
}
