package io.github.qmig.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.SyncOption;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.snapshots.chain.Chain;
import io.github.qmig.snapshots.chain.ChainCheck;
import io.github.qmig.snapshots.chain.ChainListing;
import io.github.qmig.snapshots.chain.ChainManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "chain", mixinStandardHelpOptions = true,
        description = {"A chain of saved states in a directory: a root save and increments pushed on top of it, each "
                + "holding only the pages that differ from the level below (LibAFL's SYX snapshots, as files).",
            "Updates are atomic: a crash or Ctrl-C during push or pop leaves the chain as it was."},
        subcommands = {ChainCommand.Init.class, ChainCommand.Push.class, ChainCommand.Pop.class,
            ChainCommand.RestoreLevel.class, ChainCommand.ListLevels.class, ChainCommand.Verify.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (verify: the chain holds what its manifest says)",
            "1:a file is invalid or damaged, or not the save a level needs",
            "2:usage error",
            "3:I/O or internal error (a missing directory, another qmig changing the chain)"})
public final class ChainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: init, push, pop, restore, list or verify");
    }

    private static Chain chain(Path dir) {
        return Chain.at(dir, ReadLimits.defaults());
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Make a chain in DIR (created if needed) with ROOT as its root, stored as a plain stream.")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SyncOption sync = new SyncOption();

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory of the chain.")
        Path dir;

        @Parameters(index = "1", paramLabel = "ROOT", description = "The root save (any input qmig reads), or -.")
        String root;

        @Override
        public Integer call() throws Exception {
            ChainManifest m = chain(dir).init(root, sync.apply(OutputOptions.defaults()));
            spec.commandLine().getOut().printf("%s: level 0, state %s%n", dir, IncrementHeader.shortForm(m.root().digest()));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {"Store SAVE as an increment over the chain's top: only its pages that differ from the top.",
                "SAVE may be -: a running QEMU saves straight into the chain, migrate \"exec:qmig chain push DIR -\", "
                    + "and no copy of the whole save is made."})
    static final class Push implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SyncOption sync = new SyncOption();

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory of the chain.")
        Path dir;

        @Parameters(index = "1", paramLabel = "SAVE", description = "The save to push (any input qmig reads), or -.")
        String save;

        @Override
        public Integer call() throws Exception {
            Chain.Pushed p = chain(dir).push(save, sync.apply(OutputOptions.defaults()));
            ChainManifest.Level l = p.level();
            spec.commandLine().getOut().printf("%s: level %d, %d pages differ, %d bytes stored for a %d-byte save; state %s%n",
                    dir, l.level(), l.pages(), l.bytes(), l.saveBytes(), IncrementHeader.shortForm(l.result()));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "pop", mixinStandardHelpOptions = true, description = "Remove the chain's top increment.")
    static final class Pop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SyncOption sync = new SyncOption();

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory of the chain.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            ChainManifest.Level l = chain(dir).pop(sync.apply(OutputOptions.defaults()));
            spec.commandLine().getOut().printf("%s: level %d removed%n", dir, l.level());
            return ExitCode.OK.code();
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Write the save of a level (default: the top), checked on the way.",
                "-o - writes a stream to standard output, every check made before the first byte: "
                    + "QEMU loads a level directly with -incoming 'exec:qmig chain restore DIR -o -'."})
    static final class RestoreLevel implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SyncOption sync = new SyncOption();

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory of the chain.")
        Path dir;

        @Option(names = "--level", paramLabel = "N", description = "The level: 0 is the root (default: the top).")
        Integer level;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file, or -.")
        String output;

        @Option(names = "--to", paramLabel = "LAYOUT", defaultValue = "stream", converter = ConvertCommand.LayoutConverter.class,
                description = "stream (default) or mapped-ram (a file only).")
        ConvertCommand.Layout to;

        @Override
        public Integer call() throws Exception {
            Chain c = chain(dir);
            int top = c.manifest().levels().size();
            int n = level == null ? top : level;
            if (n < 0 || n > top) {
                throw new ParameterException(spec.commandLine(), "--level " + n + ": the chain has levels 0 to " + top);
            }
            c.restore(n, output, to == ConvertCommand.Layout.mapped_ram, sync.apply(OutputOptions.defaults()));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the levels: bytes stored, bytes of the save each stands for, changed pages, state digest; "
                    + "and the ratio of stored bytes to the saves'.")
    static final class ListLevels implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory of the chain.")
        Path dir;

        @Option(names = "--json", description = "Print one JSON object (field names are stable).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Chain c = chain(dir);
            ChainListing l = ChainListing.of(c.dir(), c.manifest());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(m.writeValueAsString(l.toJson(m)));
            } else {
                out.print(l.render());
            }
            return ExitCode.OK.code();
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute every digest and link: the root's state, each increment's bytes and header, that "
                    + "each is based on the level below, and the state each level gives.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory of the chain.")
        Path dir;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ChainCheck check = chain(dir).verify();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(m.writeValueAsString(check.toJson(m)));
            } else {
                out.print(check.render());
            }
            return check.ok() ? ExitCode.OK.code() : ExitCode.INVALID.code();
        }
    }
}
