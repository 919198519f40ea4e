package io.github.qmig.cli.command;

import io.github.qmig.cli.Offsets;
import io.github.qmig.cli.ProgressDisplay;
import io.github.qmig.cli.ProgressOption;
import io.github.qmig.cli.Salvaged;
import io.github.qmig.cli.SnapshotOption;
import io.github.qmig.cli.SyncOption;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.transform.extract.Extractor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "extract", mixinStandardHelpOptions = true,
        description = {"Write each RAM block's final content as a sparse raw file, plus DIR/blocks.json.",
            "Block names map to file names by percent-encoding every byte outside [A-Za-z0-9._@+-]"
                + " (and a leading '.'), then appending .raw: /rom@etc/acpi/tables -> %%2From@etc%%2Facpi%%2Ftables.raw."})
public final class ExtractCommand implements Callable<Integer> {

    @Mixin
    SyncOption sync = new SyncOption();

    @Mixin
    SnapshotOption snapshot = new SnapshotOption();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Migration file (or qcow2 image), or - for standard input.")
    String file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "Directory to create; it must not exist or be empty, unless --force. It appears only "
                    + "when complete (an empty mount point is written in place).")
    Path dir;

    @Option(names = {"-f", "--force"},
            description = "Replace DIR if it is a directory that is not empty (the old one stays until the new "
                    + "one is complete).")
    boolean force;

    @Option(names = "--block", paramLabel = "NAME",
            description = "Extract only this RAM block: its name, or the part after its last / (vga.vram for "
                    + "0000:00:02.0/vga.vram). An unknown name lists the blocks.")
    String block;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = Offsets.class,
            description = "Byte offset where the stream starts in FILE.")
    long offset;

    @Option(names = "--partial",
            description = "FILE is cut short or damaged: extract what it holds up to there (pages never sent read "
                    + "as zeros; blocks.json gets pages_missing per block), say on stderr what is missing, and exit "
                    + "5. A whole FILE extracts as without it.")
    boolean partial;

    @Option(names = "--no-hash",
            description = "Do not compute each block's SHA-256: blocks.json then has \"sha256\": null, and the "
                    + "listing shows -. Saves about a second of CPU per GiB.")
    boolean noHash;

    @Override
    public Integer call() throws Exception {
        try (MigrationInput in = snapshot.open(file, offset, spec.commandLine().getErr());
             ProgressDisplay shown = ProgressOption.attach(spec, in)) {
            OutputOptions options = sync.apply(OutputOptions.defaults()).withHash(!noHash);
            Extractor.Partial done = partial ? Extractor.extractPartial(in, dir, block, options, force)
                    : new Extractor.Partial(Extractor.extract(in, dir, block, options, force), null);
            for (Extractor.Extracted x : done.blocks()) {
                spec.commandLine().getOut().printf("%-24s %12d  %s  %s%n", x.name(), x.usedLength(),
                        x.sha256() != null ? x.sha256() : "-", x.file());
            }
            spec.commandLine().getOut().flush();
            return Salvaged.say(done.salvage(), spec.commandLine().getErr());
        }
    }
}
