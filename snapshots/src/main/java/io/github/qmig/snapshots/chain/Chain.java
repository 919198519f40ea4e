package io.github.qmig.snapshots.chain;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.AtomicOutput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.snapshots.SavedState;
import io.github.qmig.snapshots.increment.IncrementWriter;
import io.github.qmig.snapshots.increment.Layers;
import io.github.qmig.snapshots.increment.LevelDigests;
import io.github.qmig.snapshots.increment.Restore;
import io.github.qmig.snapshots.increment.StackView;
import io.github.qmig.transform.convert.StreamConverter;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of saved states in a directory, as LibAFL's SYX snapshots keep them in memory: a
 * <b>root</b> save ({@code root.mig}, a plain stream) and <b>increments</b> pushed on top of it
 * ({@code level-0001.qinc}, ...), each holding the pages that differ from the level below, named by
 * {@link ChainManifest chain.json}. Updates are atomic: a new file is written beside its name and
 * renamed into place (fsynced, with its directory), and the manifest names it only afterwards; so
 * a crash or Ctrl-C during {@code push} or {@code pop} leaves the chain as it was (at worst with a
 * file no manifest names, which the next push replaces). A lock file keeps two updates apart.
 */
public final class Chain {

    static final String ROOT = "root.mig";
    private static final String LOCK = ".lock";

    private final Path dir;
    private final ReadLimits limits;

    private Chain(Path dir, ReadLimits limits) {
        this.dir = dir;
        this.limits = limits;
    }

    public static Chain at(Path dir, ReadLimits limits) {
        return new Chain(dir.toAbsolutePath().normalize(), limits);
    }

    public Path dir() {
        return dir;
    }

    static String levelFile(int level) {
        return String.format("level-%04d.qinc", level);
    }

    /** The manifest. */
    public ChainManifest manifest() throws IOException {
        Path f = dir.resolve(ChainManifest.FILE);
        byte[] json;
        try {
            json = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(dir.toString(), null, "not a chain directory (no " + ChainManifest.FILE + ")");
        }
        return ChainManifest.parse(json, f.toString());
    }

    private void writeManifest(ChainManifest m, OutputOptions o) throws IOException {
        try (AtomicOutput out = AtomicOutput.create(dir.resolve(ChainManifest.FILE), o)) {
            FileChannel ch = out.channel();
            ByteBuffer b = ByteBuffer.wrap(m.encode());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            out.commit();
        }
    }

    /** Holds the chain's lock file until closed. */
    private Closeable lock() throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            throw new IOException(dir + ": another qmig is changing this chain");
        }
        return ch::close;
    }

    /**
     * Makes a chain with {@code root} ({@code -} for standard input) at its bottom: the directory
     * is created if needed and must not hold a chain already.
     */
    public ChainManifest init(String root, OutputOptions o) throws IOException {
        Files.createDirectories(dir);
        try (Closeable l = lock()) {
            if (Files.exists(dir.resolve(ChainManifest.FILE))) {
                throw new IOException(dir + ": already holds a chain");
            }
            Path file = dir.resolve(ROOT);
            long saveBytes;
            try (MigrationInput in = MigrationInput.open(root, 0, limits)) {
                if (in.increment() != null) {
                    throw new MigrationFormatException(Code.INCREMENT_BASE_MISMATCH, in.name(), 0, -1, null,
                            "an increment cannot be a chain's root: give a full save (qmig apply rebuilds one)");
                }
                long given = in.seekable() ? in.totalBytes() : -1;
                StreamConverter.toStream(in, file, 0, o);
                saveBytes = given >= 0 ? given : Files.size(file); // a pipe's stream: what root.mig holds
            }
            ChainManifest m;
            try (SavedState s = SavedState.read(file.toString(), options(true))) {
                m = ChainManifest.of(s.pageSize(), new ChainManifest.Root(ROOT, s.digest(), Files.size(file), saveBytes));
            }
            writeManifest(m, o);
            return m;
        }
    }

    private SavedState.Options options(boolean fingerprints) {
        return SavedState.Options.plain(dir).withLimits(limits).withFingerprints(fingerprints);
    }

    /** The root and the first {@code level} increments, read in place. */
    private final class Stack implements Closeable {
        final SavedState root;
        final List<SavedState> increments = new ArrayList<>();

        Stack(ChainManifest m, int level, boolean fingerprints) throws IOException {
            root = SavedState.read(dir.resolve(m.root().file()).toString(), options(fingerprints));
            try {
                for (ChainManifest.Level l : m.levels().subList(0, level)) {
                    increments.add(SavedState.read(dir.resolve(l.file()).toString(), options(fingerprints)));
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try (SavedState r = root) {
                for (SavedState s : increments) {
                    s.close();
                }
            }
        }
    }

    /**
     * What {@link #push} stored.
     *
     * @param spilledPages pages kept in a temporary file while the save was read (from a pipe: only
     *                     those that differ from the top)
     */
    public record Pushed(ChainManifest.Level level, long spilledPages) {
    }

    /**
     * Stores {@code save} ({@code -} for standard input: a running QEMU migrates straight into the
     * chain) as an increment over the chain's top: only its pages that differ from the top are
     * kept, in memory or in the chain's directory, never a copy of the whole save.
     */
    public Pushed push(String save, OutputOptions o) throws IOException {
        try (Closeable l = lock()) {
            ChainManifest m = manifest();
            int level = m.levels().size() + 1;
            try (Stack s = new Stack(m, m.levels().size(), false)) {
                StackView top = new StackView(s.root, s.increments);
                try (SavedState b = SavedState.read(save, options(true).withReference(top))) {
                    if (b.pageSize() != m.pageSize()) {
                        throw new MigrationFormatException(Code.INCREMENT_BASE_MISMATCH, b.name(), 0, -1, null, String.format(
                                "%d-byte pages, but the chain has %d-byte pages", b.pageSize(), m.pageSize()));
                    }
                    Path file = dir.resolve(levelFile(level));
                    IncrementWriter.Written w = IncrementWriter.write(b, m.topDigest(), file, o);
                    IncrementHeader h = w.header();
                    ChainManifest.Level lv = new ChainManifest.Level(level, file.getFileName().toString(), h.base(), h.result(),
                            h.streamDigest(), h.pages(), Files.size(file), b.streamBytes());
                    writeManifest(m.with(lv), o);
                    return new Pushed(lv, b.spilledPages());
                }
            }
        }
    }

    /** Removes the top increment; the root stays. */
    public ChainManifest.Level pop(OutputOptions o) throws IOException {
        try (Closeable l = lock()) {
            ChainManifest m = manifest();
            if (m.levels().isEmpty()) {
                throw new IOException(dir + ": nothing to pop, the chain holds only its root");
            }
            ChainManifest.Level top = m.levels().get(m.levels().size() - 1);
            writeManifest(m.withoutTop(), o);
            Files.deleteIfExists(dir.resolve(top.file()));
            AtomicOutput.syncDirectory(dir);
            return top;
        }
    }

    private static void checkLevel(ChainManifest m, int level) {
        if (level < 0 || level > m.levels().size()) {
            throw new IllegalArgumentException("no level " + level + ": the chain has levels 0 to " + m.levels().size());
        }
    }

    /** The root and the increments up to {@code level}, as files, base to top. */
    private List<String> files(ChainManifest m, int level) {
        List<String> out = new ArrayList<>();
        for (ChainManifest.Level l : m.levels().subList(0, level)) {
            out.add(dir.resolve(l.file()).toString());
        }
        return out;
    }

    /**
     * Writes the state of {@code level} (0 = the root) to {@code target} ({@code -} for standard
     * output), in either layout (mapped-ram: a file only), checked on the way: the root against the
     * manifest's digest, increments as {@code apply} checks them; for an output that is not a file,
     * before its first byte.
     */
    public void restore(int level, String target, boolean mappedRam, OutputOptions o) throws IOException {
        ChainManifest m = manifest();
        checkLevel(m, level);
        Path root = dir.resolve(m.root().file());
        if (level == 0) {
            checkRoot(m);
            try (MigrationInput in = MigrationInput.open(root, 0, limits)) {
                if (mappedRam) {
                    StreamConverter.toMappedRam(in, target, 0, o);
                } else {
                    StreamConverter.toStream(in, target, 0, o, false); // the root is a plain stream: as it is
                }
            }
            return;
        }
        try (Layers l = Layers.open(root.toString(), files(m, level), limits, dir)) {
            Restore.write(l, target, mappedRam, o, root);
        }
    }

    /** Writes the state of {@code level} as a plain stream to {@code out} (not closed), every check made first. */
    public void restore(int level, OutputStream out) throws IOException {
        ChainManifest m = manifest();
        checkLevel(m, level);
        Path root = dir.resolve(m.root().file());
        if (level == 0) {
            checkRoot(m);
            Files.copy(root, out); // the root is a plain stream
            out.flush();
            return;
        }
        try (Layers l = Layers.open(root.toString(), files(m, level), limits, dir)) {
            l.verify();
            Restore.toStream(l, out);
        }
    }

    private void checkRoot(ChainManifest m) throws IOException {
        try (SavedState s = SavedState.read(dir.resolve(m.root().file()).toString(), options(true))) {
            String d = s.digest();
            if (!d.equals(m.root().digest())) {
                throw new MigrationFormatException(Code.INCREMENT_DAMAGED, s.name(), 0, -1, null, String.format(
                        "its state is %s, but the chain's manifest says %s: the root was damaged or replaced",
                        IncrementHeader.shortForm(d), IncrementHeader.shortForm(m.root().digest())));
            }
        }
    }

    /**
     * Recomputes every digest and link: the root's state against the manifest, each increment's
     * bytes against its own digest and its header against the manifest, each link (an increment's
     * base is the state below it), and the state each level gives against the digest recorded for
     * it. Also lists files of the directory that no manifest names (left by an interrupted update).
     */
    public ChainCheck verify() throws IOException {
        ChainManifest m = manifest();
        List<ChainCheck.Item> items = new ArrayList<>();
        List<SavedState> opened = new ArrayList<>();
        SavedState root = null;
        try {
            try {
                root = SavedState.read(dir.resolve(m.root().file()).toString(), options(true));
                String d = root.digest();
                items.add(new ChainCheck.Item(0, m.root().file(), d.equals(m.root().digest()), d.equals(m.root().digest())
                        ? "root, state " + IncrementHeader.shortForm(d)
                        : "its state is " + IncrementHeader.shortForm(d) + ", the manifest says " + IncrementHeader.shortForm(m.root().digest())));
            } catch (MigrationFormatException | NoSuchFileException e) {
                items.add(new ChainCheck.Item(0, m.root().file(), false, message(e)));
            }
            String below = m.root().digest();
            for (ChainManifest.Level l : m.levels()) {
                SavedState d;
                try {
                    d = SavedState.read(dir.resolve(l.file()).toString(), options(true));
                } catch (MigrationFormatException | NoSuchFileException e) {
                    items.add(new ChainCheck.Item(l.level(), l.file(), false, message(e)));
                    below = l.result();
                    continue;
                }
                opened.add(d);
                IncrementHeader h = d.increment();
                String why = h == null ? "not an increment"
                        : !h.base().equals(below) ? "based on " + IncrementHeader.shortForm(h.base()) + ", but the level below gives "
                                + IncrementHeader.shortForm(below)
                        : !h.result().equals(l.result()) || !h.streamDigest().equals(l.streamDigest()) || h.pages() != l.pages()
                                ? "its header differs from the manifest's entry" : null;
                items.add(new ChainCheck.Item(l.level(), l.file(), why == null, why != null ? why
                        : h.pages() + " pages differ from level " + (l.level() - 1) + " (page inconsistencies)"));
                below = l.result();
            }
            boolean complete = root != null && opened.size() == m.levels().size();
            if (complete && items.stream().allMatch(ChainCheck.Item::ok)) {
                List<String> digests = LevelDigests.of(root, opened, dir);
                for (int i = 1; i < digests.size(); i++) {
                    ChainManifest.Level l = m.levels().get(i - 1);
                    if (!digests.get(i).equals(l.result())) {
                        items.set(i, new ChainCheck.Item(i, l.file(), false, "applied to level " + (i - 1) + " it gives state "
                                + IncrementHeader.shortForm(digests.get(i)) + ", not " + IncrementHeader.shortForm(l.result())));
                    }
                }
            }
        } finally {
            for (SavedState s : opened) {
                s.close();
            }
            if (root != null) {
                root.close();
            }
        }
        return new ChainCheck(dir.toString(), items, strayFiles(m));
    }

    private static String message(IOException e) {
        return e instanceof NoSuchFileException ? "missing" : e.getMessage();
    }

    /** Files in the directory that the manifest does not name. */
    private List<String> strayFiles(ChainManifest m) throws IOException {
        List<String> named = new ArrayList<>(List.of(ChainManifest.FILE, LOCK, m.root().file()));
        m.levels().forEach(l -> named.add(l.file()));
        List<String> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !named.contains(n)).sorted().forEach(out::add);
        }
        return out;
    }
}
