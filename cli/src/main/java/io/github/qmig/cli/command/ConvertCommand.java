package io.github.qmig.cli.command;

import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.Offsets;
import io.github.qmig.cli.ProgressDisplay;
import io.github.qmig.cli.ProgressOption;
import io.github.qmig.cli.Salvaged;
import io.github.qmig.cli.SnapshotOption;
import io.github.qmig.cli.SyncOption;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.transform.convert.StreamConverter;
import io.github.qmig.transform.salvage.SalvageReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Rewrite a migration file as a stream or as mapped-ram. The output appears only when complete.")
public final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

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

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output file; - for standard output (a stream only: mapped-ram and sparse images seek). "
                    + "A FIFO or a device is written into, never replaced.")
    String output;

    @Option(names = "--output-offset", paramLabel = "N", converter = Offsets.class,
            description = "Byte offset where the stream starts in OUT, as QEMU's file:OUT,offset=N "
                    + "(mapped-ram offsets stay absolute file offsets).")
    Long outputOffset;

    @Option(names = "--offset", paramLabel = "N", hidden = true, converter = Offsets.class,
            description = "Deprecated spelling of --output-offset (in every other command --offset is the input's; "
                    + "a later release gives it that meaning here too).")
    Long deprecatedOffset;

    @Option(names = "--input-offset", paramLabel = "N", defaultValue = "0", converter = Offsets.class,
            description = "Byte offset where the stream starts in IN.")
    long inputOffset;

    @Option(names = "--normalize",
            description = "With --to stream: decode XBZRLE and zlib pages and repeated iterations into one PAGE or "
                    + "ZERO record per page, in the first RAM iteration (what QEMU 9.1 and later load, whatever the "
                    + "source used).")
    boolean normalize;

    @Option(names = "--salvage",
            description = "IN is cut short or damaged: write what it holds up to there as a file QEMU loads (the RAM "
                    + "section open there ended, a device section open there left out), say on stderr what is "
                    + "missing, and exit 5. A whole IN converts as without it. OUT must be a file.")
    boolean salvage;

    @Option(names = "--libvirt",
            description = "IN is a libvirt save image: write one that virsh restore loads, with IN's header and "
                    + "domain XML, image format raw (--to stream) or sparse (--to mapped-ram). Without it, OUT "
                    + "holds the QEMU stream alone.")
    boolean libvirt;

    @Override
    public Integer call() throws Exception {
        long offset = outputOffset();
        if (libvirt && offset > 0) {
            throw new ParameterException(spec.commandLine(),
                    "--output-offset and --libvirt exclude each other: a libvirt image's stream follows its header");
        }
        if (normalize && to != Layout.stream) {
            throw new ParameterException(spec.commandLine(), "--normalize goes with --to stream");
        }
        if (salvage && (normalize || libvirt)) {
            throw new ParameterException(spec.commandLine(), "--salvage writes the records as read: without "
                    + "--normalize and --libvirt (convert its output again for those)");
        }
        try (MigrationInput in = snapshot.open(input, inputOffset, spec.commandLine().getErr());
             ProgressDisplay shown = ProgressOption.attach(spec, in)) {
            OutputOptions options = sync.apply(OutputOptions.defaults());
            if (libvirt && in.libvirt() == null) {
                throw new ParameterException(spec.commandLine(),
                        "--libvirt: " + in.name() + " is not a libvirt save image");
            }
            if (libvirt) {
                StreamConverter.toLibvirtImage(in, output, to == Layout.mapped_ram, options);
                return ExitCode.OK.code();
            }
            if (salvage) {
                SalvageReport report = StreamConverter.salvage(in, output, to == Layout.mapped_ram, offset, options);
                return Salvaged.say(report, spec.commandLine().getErr());
            }
            switch (to) {
                case stream -> StreamConverter.toStream(in, output, offset, options, normalize);
                case mapped_ram -> StreamConverter.toMappedRam(in, output, offset, options);
                default -> throw new IllegalStateException(to.toString());
            }
        }
        return ExitCode.OK.code();
    }

    /** The output offset: --output-offset, or the deprecated --offset (with a note on stderr); 0 by default. */
    private long outputOffset() {
        if (deprecatedOffset != null && outputOffset != null) {
            throw new ParameterException(spec.commandLine(), "--offset is the old spelling of --output-offset: give one");
        }
        if (deprecatedOffset != null) {
            spec.commandLine().getErr().println("qmig: convert --offset is deprecated: use --output-offset (in a later "
                    + "release --offset will be the input's offset, as in every other command)");
            return deprecatedOffset;
        }
        return outputOffset != null ? outputOffset : 0;
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
