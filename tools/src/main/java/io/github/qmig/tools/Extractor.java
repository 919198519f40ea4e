package io.github.qmig.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Reason;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.WriteBehind;
import io.github.qmig.ramblock.PageReplayer;
import io.github.qmig.ramblock.Pages;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.SparsePageStore;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code qmig extract}: each RAM block's final content (all records replayed) as a sparse raw file
 * of {@code used_length} bytes, plus {@code blocks.json}: {@code [{name, file, used_length,
 * page_size, sha256}]}, {@code file} relative to the directory ({@link BlockFileNames}). Files are
 * written into a temporary directory beside the target, which is renamed into place at the end.
 *
 * <p><b>Hashing while writing.</b> SHA-256 of a 4 GiB block costs about as much as extracting it,
 * so it runs on a second thread, over each block's settled prefix ({@link SparsePageStore}) as the
 * block is written: a paused save sends every page once in ascending order, and its blocks are
 * hashed by the time the stream ends. If a block's pages arrive otherwise (live saves re-send
 * pages), the block is hashed from its finished file instead. Every file (blocks.json too) and the
 * directory are fsynced before it is renamed into place, and its parent after, so a finished
 * extraction survives a power loss (the fsync of a
 * 3 GiB block costs about a second; docs/performance.md). {@link OutputOptions} can turn off the
 * hashing ({@code sha256} is then null) and the fsync.
 */
public final class Extractor implements EventConsumer {

    /** One extracted block, as listed in blocks.json. */
    public record Extracted(String name, String file, long usedLength, int pageSize, String sha256) {
    }

    private final MigrationReader reader;
    private final Path dir;
    private final String only;
    private final OutputOptions options;
    private final List<RamBlock> blocks = new ArrayList<>();
    private final List<RandomAccessFile> files = new ArrayList<>();
    private SparsePageStore store;
    private PageReplayer replayer;
    private Hasher hasher;

    private Extractor(MigrationReader reader, Path dir, String only, OutputOptions options) {
        this.reader = reader;
        this.dir = dir;
        this.only = only;
        this.options = options;
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
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !(Files.isDirectory(abs) && isEmpty(abs))) {
            throw new IOException(target + ": exists and is not an empty directory");
        }
        Path tmp = AtomicOutput.createBeside(abs, true);
        boolean done = false;
        try {
            List<Extracted> out;
            try (MigrationReader r = input.writingReader(RamSectionCodec.defaultOptions())) {
                Extractor x = new Extractor(r, tmp, block, options);
                try {
                    Pipeline.run(input, r, x);
                    out = x.finish();
                } catch (IOException e) {
                    throw AtomicOutput.named(abs, e); // disk full names the output, as convert does
                } finally {
                    x.closeFiles();
                }
            }
            if (block != null && out.isEmpty()) {
                throw new IOException(input.name() + ": no RAM block named '" + block + "'");
            }
            if (Files.exists(abs)) {
                Files.delete(abs);
            }
            if (options.sync()) {
                AtomicOutput.syncDirectory(tmp); // the files' names, then the directory's own
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            if (options.sync()) {
                AtomicOutput.syncDirectory(abs.getParent());
            }
            done = true;
            return out;
        } finally {
            if (!done) {
                deleteTree(tmp);
            }
        }
    }

    @Override
    public void accept(MigrationEvent e) throws IOException {
        if (e instanceof RamPage p) {
            if (store != null && store.declared(p.block().idstr())) {
                replayer.apply(p);
            }
        } else if (e instanceof RamBlockEntry b && (only == null || only.equals(b.block().idstr()))) {
            declare(b);
        }
    }

    private void declare(RamBlockEntry e) throws IOException {
        RamBlock b = e.block();
        int pageSize = reader.pageSize();
        if (store == null) {
            store = new SparsePageStore(pageSize);
            replayer = new PageReplayer(store, reader.source());
            if (options.hash()) {
                hasher = new Hasher(store);
                store.onSettled(hasher::settled);
            }
        }
        if (store.declared(b.idstr())) {
            return; // a second block list (RAM re-sent) keeps the same files
        }
        if (SparsePageStore.bitsetBytes(b.usedLength(), pageSize) > reader.limits().maxBitmapBytes() * 2L) {
            throw new MigrationFormatException(Reason.LIMIT_EXCEEDED, reader.source().name(), e.offset(), e.offset(),
                    null, "block '" + b.idstr() + "' of " + b.usedLength() + " bytes is beyond the page store limit");
        }
        RandomAccessFile f = new RandomAccessFile(dir.resolve(BlockFileNames.of(b.idstr())).toFile(), "rw");
        files.add(f);
        f.setLength(b.usedLength());
        store.declare(b, f.getChannel(), 0);
        if (hasher != null) {
            hasher.declare(b, f.getChannel());
        }
        blocks.add(b);
    }

    private List<Extracted> finish() throws IOException {
        List<Extracted> out = new ArrayList<>();
        if (store == null) {
            return out;
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
                    : sha256(files.get(i).getChannel(), b.usedLength());
            out.add(new Extracted(b.idstr(), name, b.usedLength(), store.pageSize(), sha));
            ObjectNode o = list.addObject();
            o.put("name", b.idstr());
            o.put("file", name);
            o.put("used_length", b.usedLength());
            o.put("page_size", store.pageSize());
            o.put("sha256", sha);
        }
        try (FileChannel json = FileChannel.open(dir.resolve("blocks.json"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            byte[] text = (m.writeValueAsString(list) + "\n").getBytes(StandardCharsets.UTF_8);
            WriteBehind.writeFully(json, ByteBuffer.wrap(text), 0);
            if (options.sync()) {
                json.force(true);
            }
        }
        return out;
    }

    static String sha256(FileChannel ch, long length) throws IOException {
        MessageDigest md = sha256();
        update(md, ch, 0, length, ByteBuffer.allocateDirect(1 << 20));
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Feeds bytes [from, to) of {@code ch} to {@code md}, through {@code buf} (direct: see ByteSink). */
    private static void update(MessageDigest md, FileChannel ch, long from, long to, ByteBuffer buf)
            throws IOException {
        long at = from;
        while (at < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - at));
            int r = ch.read(buf, at);
            if (r < 0) {
                break; // past the end of a file that ends in a hole: nothing more to read
            }
            buf.flip();
            md.update(buf);
            at += r;
        }
    }

    /**
     * SHA-256 of each block over its settled prefix, on one background thread, in chunks of
     * {@link #CHUNK}: reads back what was just written (from the page cache) while the main thread
     * goes on reading the stream; runs of zero pages (holes) are hashed from a zero buffer without
     * reading. Only the main thread calls its methods.
     */
    private static final class Hasher {
        private static final long CHUNK = 8L << 20;

        private static final class Block {
            final FileChannel channel;
            final MessageDigest md;
            long submitted;
            Future<?> last;

            Block(FileChannel channel) {
                this.channel = channel;
                this.md = sha256();
            }
        }

        private final Map<RamBlock, Block> blocks = new IdentityHashMap<>();
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "qmig-sha256");
            t.setDaemon(true);
            return t;
        });
        /** The hashing thread's read buffer. */
        private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        private final SparsePageStore store;

        Hasher(SparsePageStore store) {
            this.store = store;
        }

        void declare(RamBlock b, FileChannel channel) {
            blocks.put(b, new Block(channel));
        }

        /** The store's listener: hashes up to {@code upTo} once a chunk's worth has settled. */
        void settled(RamBlock rb, long upTo) {
            Block b = blocks.get(rb);
            if (b != null && upTo - b.submitted >= CHUNK) {
                submit(b, rb, upTo);
            }
        }

        private void submit(Block b, RamBlock rb, long upTo) {
            long from = b.submitted;
            b.submitted = upTo;
            // Split [from, upTo) into runs of data and of zero pages here, on the main thread,
            // which owns the store; the task only gets the runs: {start, end, zero ? 1 : 0}...
            int ps = store.pageSize();
            long[] runs = new long[16];
            int n = 0;
            for (long at = from; at < upTo; ) {
                boolean data = store.present(rb, at / ps);
                long end = Math.min(upTo, at + ps);
                while (end < upTo && store.present(rb, end / ps) == data) {
                    end = Math.min(upTo, end + ps);
                }
                if (n + 3 > runs.length) {
                    runs = java.util.Arrays.copyOf(runs, runs.length * 2);
                }
                runs[n++] = at;
                runs[n++] = end;
                runs[n++] = data ? 0 : 1;
                at = end;
            }
            long[] work = runs;
            int count = n;
            b.last = thread.submit(() -> {
                for (int i = 0; i < count; i += 3) {
                    if (work[i + 2] == 0) {
                        update(b.md, b.channel, work[i], work[i + 1], buf);
                    } else {
                        byte[] zeros = Pages.zeros(1 << 16);
                        for (long left = work[i + 1] - work[i]; left > 0; left -= zeros.length) {
                            b.md.update(zeros, 0, (int) Math.min(left, zeros.length));
                        }
                    }
                }
                return null;
            });
        }

        /** Hashes the rest of the (finished) block and returns the hex digest. */
        String finish(RamBlock rb) throws IOException {
            Block b = blocks.get(rb);
            submit(b, rb, rb.usedLength());
            try {
                b.last.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while hashing " + rb.idstr(), e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IllegalStateException(e.getCause());
            }
            return HexFormat.of().formatHex(b.md.digest());
        }

        void close() {
            thread.shutdownNow();
        }
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

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException ignored) {
                    // best effort on the failure path
                }
            });
        } catch (IOException ignored) {
            // nothing left to clean
        }
    }
}
