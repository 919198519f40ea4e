package io.github.qmig.cli.command;

import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.SyncOption;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.output.Output;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.snapshots.increment.Layers;
import io.github.qmig.snapshots.increment.Restore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Rebuild a save from a base and increments on it, base to top, in one pass over each: every "
                + "page from the highest layer that has it, the device state of the last increment.",
            "Every increment is checked first (its bytes, and that each is based on the result of the one before "
                + "it), the base once read (that it is the first increment's base). A file output appears only when "
                + "complete and checked; with -o - the base is read once more to check it before anything is "
                + "written (a base from standard input is checked at its end, and the stream is then left without "
                + "its device state, which QEMU refuses)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a file is invalid, damaged, or not the base or increment the chain needs (wrong base, wrong order, "
                + "a missing link)",
            "2:usage error",
            "3:I/O or internal error"})
public final class ApplyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SyncOption sync = new SyncOption();

    @Parameters(index = "0", paramLabel = "BASE", description = "The full save the first increment applies to, or -.")
    String base;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "INCREMENT",
            description = "Increments, base to top (one of them may be -).")
    List<String> increments;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output file, or - for a stream on standard output (QEMU: -incoming 'exec:qmig apply ... -o -').")
    String output;

    @Option(names = "--to", paramLabel = "LAYOUT", defaultValue = "stream", converter = ConvertCommand.LayoutConverter.class,
            description = "stream (default) or mapped-ram (a file only).")
    ConvertCommand.Layout to;

    @Override
    public Integer call() throws Exception {
        boolean pipe = output.equals(Output.STDOUT);
        long stdin = increments.stream().filter("-"::equals).count() + (base.equals("-") ? 1 : 0);
        if (stdin > 1) {
            throw new ParameterException(spec.commandLine(), "only one input can be standard input");
        }
        Path temp = pipe ? Path.of(System.getProperty("java.io.tmpdir")) : tempDir(Path.of(output));
        List<String> files = new ArrayList<>(increments);
        Path copied = null;
        try {
            int k = files.indexOf("-");
            if (k >= 0) { // increments are read twice (checked, then written): keep the piped one
                copied = Files.createTempFile(temp, ".qmig-increment", ".tmp");
                Files.copy(System.in, copied, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                files.set(k, copied.toString());
            }
            try (Layers layers = Layers.open(base, files, ReadLimits.defaults(), temp)) {
                Restore.write(layers, output, to == ConvertCommand.Layout.mapped_ram, sync.apply(OutputOptions.defaults()),
                        inputs());
            }
        } finally {
            if (copied != null) {
                Files.deleteIfExists(copied);
            }
        }
        return ExitCode.OK.code();
    }

    private Path[] inputs() {
        List<Path> out = new ArrayList<>();
        if (!base.equals("-")) {
            out.add(Path.of(base));
        }
        increments.stream().filter(f -> !f.equals("-")).map(Path::of).forEach(out::add);
        return out.toArray(new Path[0]);
    }

    static Path tempDir(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        return dir == null ? Path.of(".") : dir;
    }
}
