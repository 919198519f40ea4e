package io.github.qmig.cli.command;

import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.ProgressDisplay;
import io.github.qmig.cli.ProgressOption;
import io.github.qmig.cli.SnapshotOption;
import io.github.qmig.cli.SyncOption;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.transform.convert.StreamConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Rewrite a migration file as a stream or as mapped-ram. The output appears only when complete.")
public final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Mixin
    SyncOption sync = new SyncOption();

    @Mixin
    SnapshotOption snapshot = new SnapshotOption();

    /** Target layouts. */
    public enum Layout {
        stream, mapped_ram;

        @Override
        public String toString() {
            return name().replace('_', '-');
        }
    }

    @Option(names = "--to", required = true, paramLabel = "LAYOUT", converter = LayoutConverter.class,
            description = "stream or mapped-ram.")
    Layout to;

    @Parameters(index = "0", paramLabel = "IN", description = "Input file (or qcow2 image), or - for standard input.")
    String input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file.")
    Path output;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0",
            description = "Byte offset where the stream starts in OUT, as QEMU's file:OUT,offset=N "
                    + "(mapped-ram offsets stay absolute file offsets).")
    long offset;

    @Option(names = "--input-offset", paramLabel = "N", defaultValue = "0",
            description = "Byte offset where the stream starts in IN.")
    long inputOffset;

    @Option(names = "--libvirt",
            description = "IN is a libvirt save image: write one that virsh restore loads, with IN's header and "
                    + "domain XML, image format raw (--to stream) or sparse (--to mapped-ram). Without it, OUT "
                    + "holds the QEMU stream alone.")
    boolean libvirt;

    @Override
    public Integer call() throws Exception {
        if (libvirt && spec.commandLine().getParseResult().hasMatchedOption("--offset")) {
            throw new ParameterException(spec.commandLine(),
                    "--offset and --libvirt exclude each other: a libvirt image's stream follows its header");
        }
        try (MigrationInput in = snapshot.open(input, inputOffset, spec.commandLine().getErr());
             ProgressDisplay shown = progress.attach(in, spec.commandLine().getErr())) {
            OutputOptions options = sync.apply(OutputOptions.defaults());
            if (libvirt && in.libvirt() == null) {
                throw new ParameterException(spec.commandLine(),
                        "--libvirt: " + in.name() + " is not a libvirt save image");
            }
            if (libvirt) {
                StreamConverter.toLibvirtImage(in, output, to == Layout.mapped_ram, options);
                return ExitCode.OK.code();
            }
            switch (to) {
                case stream -> StreamConverter.toStream(in, output, offset, options);
                case mapped_ram -> StreamConverter.toMappedRam(in, output, offset, options);
                default -> throw new IllegalStateException(to.toString());
            }
        }
        return ExitCode.OK.code();
    }

    /** Accepts "stream" and "mapped-ram". */
    static final class LayoutConverter implements picocli.CommandLine.ITypeConverter<Layout> {
        @Override
        public Layout convert(String value) {
            return switch (value) {
                case "stream" -> Layout.stream;
                case "mapped-ram" -> Layout.mapped_ram;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a layout (expected stream or mapped-ram)");
            };
        }
    }
}
