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
import io.github.qmig.ramblock.PageReplayer;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.SparsePageStore;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code qmig extract}: each RAM block's final content (all records replayed) as a sparse raw file
 * of {@code used_length} bytes, plus {@code blocks.json}: {@code [{name, file, used_length,
 * page_size, sha256}]}, {@code file} relative to the directory ({@link BlockFileNames}). Files are
 * written into a temporary directory beside the target, which is renamed into place at the end.
 */
public final class Extractor implements EventConsumer {

    /** One extracted block, as listed in blocks.json. */
    public record Extracted(String name, String file, long usedLength, int pageSize, String sha256) {
    }

    private final MigrationReader reader;
    private final Path dir;
    private final String only;
    private final List<RamBlock> blocks = new ArrayList<>();
    private final List<RandomAccessFile> files = new ArrayList<>();
    private SparsePageStore store;
    private PageReplayer replayer;

    private Extractor(MigrationReader reader, Path dir, String only) {
        this.reader = reader;
        this.dir = dir;
        this.only = only;
    }

    /**
     * Extracts the blocks of {@code input} (or only {@code block}, if not null) into {@code target}.
     *
     * @throws IOException if {@code target} exists and is not an empty directory
     */
    public static List<Extracted> extract(MigrationInput input, Path target, String block) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !(Files.isDirectory(abs) && isEmpty(abs))) {
            throw new IOException(target + ": exists and is not an empty directory");
        }
        Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".qmig-tmp");
        boolean done = false;
        try {
            List<Extracted> out;
            try (MigrationReader r = input.reader(RamSectionCodec.defaultOptions())) {
                Extractor x = new Extractor(r, tmp, block);
                try {
                    Pipeline.run(input, r, x);
                    out = x.finish();
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
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
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
        blocks.add(b);
    }

    private List<Extracted> finish() throws IOException {
        List<Extracted> out = new ArrayList<>();
        if (store == null) {
            return out;
        }
        store.finish();
        for (RandomAccessFile f : files) {
            f.getChannel().force(true);
        }
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode list = m.createArrayNode();
        for (int i = 0; i < blocks.size(); i++) {
            RamBlock b = blocks.get(i);
            String name = BlockFileNames.of(b.idstr());
            String sha = sha256(files.get(i).getChannel(), b.usedLength());
            out.add(new Extracted(b.idstr(), name, b.usedLength(), store.pageSize(), sha));
            ObjectNode o = list.addObject();
            o.put("name", b.idstr());
            o.put("file", name);
            o.put("used_length", b.usedLength());
            o.put("page_size", store.pageSize());
            o.put("sha256", sha);
        }
        Files.writeString(dir.resolve("blocks.json"), m.writeValueAsString(list) + "\n");
        return out;
    }

    static String sha256(FileChannel ch, long length) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long at = 0;
        while (at < length) {
            buf.clear();
            int r = ch.read(buf, at);
            if (r < 0) {
                break;
            }
            buf.flip();
            md.update(buf);
            at += r;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private void closeFiles() throws IOException {
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
