package io.github.qmig.transform.extract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.WriteBehind;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.AtomicDirectory;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.ramblock.PageReplayer;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.SparsePageStore;
import io.github.qmig.transform.salvage.SalvageReport;
import io.github.qmig.transform.salvage.Salvager;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code qmig extract}: each RAM block's final content (all records replayed) as a sparse raw file
 * of {@code used_length} bytes, plus {@code blocks.json}: {@code [{name, file, used_length,
 * page_size, sha256}]}, {@code file} relative to the directory ({@link BlockFileNames}). Files are
 * written into a temporary directory beside the target, which is renamed into place at the end.
 *
 * <p><b>Hashing while writing.</b> SHA-256 of a 4 GiB block costs about as much as extracting it,
 * so it runs on a second thread, over each block's settled prefix ({@link SparsePageStore}) as the
 * block is written: a paused save sends every page once in ascending order, and its blocks are
 * hashed by the time the stream ends ({@link BlockHasher}). If a block's pages arrive otherwise
 * (live saves re-send pages), the block is hashed from its finished file instead. Every file (blocks.json too) and the
 * directory are fsynced before it is renamed into place, and its parent after, so a finished
 * extraction survives a power loss (the fsync of a
 * 3 GiB block costs about a second; docs/performance.md). {@link OutputOptions} can turn off the
 * hashing ({@code sha256} is then null) and the fsync.
 */
public final class Extractor implements EventConsumer {

    /** One extracted block, as listed in blocks.json. */
    public record Extracted(String name, String file, long usedLength, int pageSize, String sha256) {
    }

    private final AtomicDirectory out;
    private final Path dir;
    private final String only;
    /** Every block name of the stream, for the message when {@code only} names none of them. */
    private final List<String> names = new ArrayList<>();
    private final OutputOptions options;
    private final ReadLimits limits;
    private final List<RamBlock> blocks = new ArrayList<>();
    private final List<RandomAccessFile> files = new ArrayList<>();
    private SparsePageStore store;
    private PageReplayer replayer;
    private BlockHasher hasher;
    /** With extractPartial: what the input sent of each block. */
    private Salvager salvager;

    private Extractor(AtomicDirectory out, String only, OutputOptions options, ReadLimits limits) {
        this.out = out;
        this.dir = out.dir();
        this.only = only;
        this.options = options;
        this.limits = limits;
    }

    /**
     * Extracts the blocks of {@code input} (or only {@code block}, if not null) into {@code target}.
     *
     * @throws IOException if {@code target} exists and is not an empty directory
     */
    public static List<Extracted> extract(MigrationInput input, Path target, String block) throws IOException {
        return extract(input, target, block, OutputOptions.defaults());
    }

    /** {@link #extract(MigrationInput, Path, String)}, finishing the files as {@code options} say. */
    public static List<Extracted> extract(MigrationInput input, Path target, String block, OutputOptions options)
            throws IOException {
        return extract(input, target, block, options, false);
    }

    /**
     * As {@link #extract(MigrationInput, Path, String, OutputOptions)}; {@code block} is a block's
     * name or its short name (the part after its last {@code /}: {@code vga.vram} for
     * {@code 0000:00:02.0/vga.vram}), and with {@code replace} a directory that is not empty is
     * replaced (as convert replaces a file).
     *
     * @throws NoSuchBlockException if no block has that name (or several have that short name)
     */
    public static List<Extracted> extract(MigrationInput input, Path target, String block, OutputOptions options,
                                          boolean replace) throws IOException {
        return run(input, target, block, options, replace, false).blocks();
    }

    /**
     * What {@link #extractPartial} wrote.
     *
     * @param salvage what the blocks hold and lack when the input broke off, or null if it was whole
     */
    public record Partial(List<Extracted> blocks, SalvageReport salvage) {
    }

    /**
     * As {@link #extract(MigrationInput, Path, String, OutputOptions, boolean)}, but an input that
     * breaks off (cut short or damaged) gives the blocks as far as it holds them: pages never sent
     * read as zeros, and blocks.json says per block how many are missing ({@code pages_missing}).
     */
    public static Partial extractPartial(MigrationInput input, Path target, String block, OutputOptions options,
                                         boolean replace) throws IOException {
        return run(input, target, block, options, replace, true);
    }

    private static Partial run(MigrationInput input, Path target, String block, OutputOptions options, boolean replace,
                               boolean partial) throws IOException {
        try (AtomicDirectory out = AtomicDirectory.create(target, options, replace)) {
            List<Extracted> extracted;
            SalvageReport report = null;
            ReadOptions read = RamSectionCodec.defaultOptions();
            try (MigrationReader r = input.writingReader(read)) {
                Extractor x = new Extractor(out, block, options, read.limits());
                x.salvager = partial ? new Salvager(x, null) : null;
                try {
                    try {
                        r.feed(x.salvager != null ? x.salvager : x);
                    } catch (MigrationFormatException cut) {
                        if (x.salvager == null) {
                            throw cut;
                        }
                        report = x.salvager.salvage(input.name(), cut);
                    } catch (IOException e) {
                        throw out.named(e); // disk full names the output, as convert does
                    }
                    x.checkChoice(input.name()); // a wrong name is not the output's failure
                    try {
                        extracted = x.finish();
                    } catch (IOException e) {
                        throw out.named(e);
                    }
                } finally {
                    x.closeFiles();
                }
            }
            if (extracted.isEmpty() && report != null) {
                throw report.cut(); // broke off before any RAM: nothing to salvage
            }
            if (extracted.isEmpty()) {
                throw new MigrationFormatException(Code.RAM_ABSENT, input.name(), input.source().position(), -1, null,
                        "no RAM section: the stream holds device state only; there is nothing to extract");
            }
            out.commit();
            return new Partial(extracted, report);
        }
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        if (e instanceof RamPage p) {
            if (store != null && store.declared(p.block().idstr())) {
                replayer.apply(p);
            }
        } else if (e instanceof RamBlockEntry b) {
            if (!names.contains(b.block().idstr())) {
                names.add(b.block().idstr());
            }
            if (chosen(b.block().idstr())) {
                declare(b);
            }
        }
    }

    /** Whether {@code name} is the block asked for: its name, or its short name. */
    private boolean chosen(String name) {
        return only == null || name.equals(only) || name.endsWith("/" + only);
    }

    /** After the last event: the block asked for is exactly one of the stream's. */
    private void checkChoice(String input) throws NoSuchBlockException {
        if (only == null || names.isEmpty()) {
            return;
        }
        List<String> matched = names.stream().filter(this::chosen).toList();
        if (matched.size() != 1) {
            throw new NoSuchBlockException(input, only, matched.isEmpty() ? names : matched, !matched.isEmpty());
        }
    }

    private void declare(RamBlockEntry e) throws IOException {
        RamBlock b = e.block();
        int pageSize = e.pageSize();
        if (store == null) {
            store = new SparsePageStore(pageSize);
            replayer = new PageReplayer(store);
            if (options.hash()) {
                hasher = new BlockHasher(store);
                store.onSettled(hasher::settled);
            }
        }
        if (store.declared(b.idstr())) {
            return; // a second block list (RAM re-sent) keeps the same files
        }
        RandomAccessFile f = new RandomAccessFile(out.created(dir.resolve(BlockFileNames.of(b.idstr()))).toFile(), "rw");
        files.add(f);
        f.setLength(b.usedLength());
        store.declare(b, f.getChannel(), 0);
        if (hasher != null) {
            hasher.declare(b, f.getChannel());
        }
        blocks.add(b);
    }

    private List<Extracted> finish() throws IOException {
        List<Extracted> extracted = new ArrayList<>();
        if (store == null) {
            return extracted;
        }
        store.finish();
        if (options.sync()) {
            for (RandomAccessFile f : files) {
                f.getChannel().force(true);
            }
        }
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode list = m.createArrayNode();
        for (int i = 0; i < blocks.size(); i++) {
            RamBlock b = blocks.get(i);
            String name = BlockFileNames.of(b.idstr());
            String sha = hasher == null ? null
                    : store.isSettledTracking(b) ? hasher.finish(b)
                    : BlockHasher.sha256(files.get(i).getChannel(), b.usedLength());
            extracted.add(new Extracted(b.idstr(), name, b.usedLength(), store.pageSize(), sha));
            ObjectNode o = list.addObject();
            o.put("name", b.idstr());
            o.put("file", name);
            o.put("used_length", b.usedLength());
            o.put("page_size", store.pageSize());
            o.put("sha256", sha);
            if (salvager != null) {
                o.put("pages_missing", b.usedLength() / store.pageSize() - salvager.pages(b).count());
            }
        }
        try (FileChannel json = FileChannel.open(out.created(dir.resolve("blocks.json")), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            byte[] text = (m.writeValueAsString(list) + "\n").getBytes(StandardCharsets.UTF_8);
            WriteBehind.writeFully(json, ByteBuffer.wrap(text), 0);
            if (options.sync()) {
                json.force(true);
            }
        }
        return extracted;
    }

    private void closeFiles() throws IOException {
        if (hasher != null) {
            hasher.close();
        }
        if (replayer != null) {
            replayer.close();
        }
        for (RandomAccessFile f : files) {
            f.close();
        }
    }
}
