package io.github.qmig.input;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.ByteSource;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A migration stream as users have it: a plain file (seekable), standard input ({@code -}), a
 * zstd/gzip/xz file, a libvirt save image whose stream follows its header raw, compressed, or
 * as mapped-ram ({@code sparse}); a libvirt image may itself be compressed whole; or a qmig
 * increment ({@link IncrementHeader}), whose stream is checked against its digest.
 *
 * <p>Opening is one loop: look at the first bytes, and while they are a wrapper's magic (never a
 * file name), unwrap that {@link Layer} and look again; what is left is the QEMU stream.
 * <pre>
 * input := [compression] ([libvirt-image [compression]] | [increment]) qemu-stream
 * </pre>
 * The stream's offsets are file offsets where the file is read in place (plain, libvirt raw and
 * sparse: mapped-ram offsets stay absolute), and count from the first decompressed byte of a
 * compressed layer.
 */
public final class MigrationInput implements Closeable {

    /** Name used for standard input in messages. */
    public static final String STDIN = "<stdin>";

    /** One wrapper around the stream, outermost first: a compression, a libvirt save image, or an increment. */
    public record Layer(Compression compression, LibvirtHeader libvirt, IncrementHeader increment) {
        static Layer of(Compression c) {
            return new Layer(c, null, null);
        }

        static Layer of(LibvirtHeader h) {
            return new Layer(null, h, null);
        }

        static Layer of(IncrementHeader h) {
            return new Layer(null, null, h);
        }

        public boolean isLibvirt() {
            return libvirt != null;
        }

        public boolean isIncrement() {
            return increment != null;
        }

        /** {@code zstd}, {@code gzip}, {@code xz}, {@code libvirt} or {@code increment}. */
        public String kind() {
            return isLibvirt() ? "libvirt" : isIncrement() ? "increment" : compression.name().toLowerCase(Locale.ROOT);
        }
    }

    private final String name;
    private final ByteSource source;
    private final List<Layer> layers;
    private final Path path;
    private final Closeable owned;
    private LongConsumer progress;

    private MigrationInput(String name, ByteSource source, List<Layer> layers, Path path, Closeable owned) {
        this.name = name;
        this.source = source;
        this.layers = List.copyOf(layers);
        this.path = path;
        this.owned = owned;
    }

    /** Opens {@code file}, or standard input for {@code "-"}, starting the stream at {@code offset}. */
    public static MigrationInput open(String file, long offset) throws IOException {
        return open(file, offset, ReadLimits.defaults());
    }

    /** As {@link #open(String, long)}, within {@code limits}. */
    public static MigrationInput open(String file, long offset, ReadLimits limits) throws IOException {
        if (file.equals("-")) {
            return ofStream(System.in, STDIN, offset, null, limits);
        }
        return open(Path.of(file), offset, limits);
    }

    public static MigrationInput open(Path file, long offset) throws IOException {
        return open(file, offset, ReadLimits.defaults());
    }

    /** As {@link #open(Path, long)}, within {@code limits}. */
    public static MigrationInput open(Path file, long offset, ReadLimits limits) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try {
            return unwrap(file.toString(), new ByteSpace.InFile(ch), offset, file, null, limits);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * A stream input (pipes, stdin): nothing is seekable. {@code offset} counts in the QEMU stream
     * (after decompression, after a libvirt header).
     *
     * @param owned closed with this input, or null
     */
    public static MigrationInput ofStream(InputStream raw, String name, long offset, Closeable owned) throws IOException {
        return ofStream(raw, name, offset, owned, ReadLimits.defaults());
    }

    public static MigrationInput ofStream(InputStream raw, String name, long offset, Closeable owned, ReadLimits limits)
            throws IOException {
        return unwrap(name, new ByteSpace.InStream(raw), offset, null, owned, limits);
    }

    /** The detect-and-unwrap loop (see the class comment). */
    private static MigrationInput unwrap(String name, ByteSpace space, long offset, Path file, Closeable owned,
                                         ReadLimits limits) throws IOException {
        List<Layer> layers = new ArrayList<>();
        String label = name;
        while (true) {
            byte[] head = space.peek(Math.max(LibvirtHeader.SIZE, IncrementHeader.SIZE));
            Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
            // inside a libvirt image or an increment, only the stream (and libvirt's own compression) follows
            boolean framed = layers.stream().anyMatch(l -> l.isLibvirt() || l.isIncrement());
            if (!framed && IncrementHeader.matches(head, head.length)) {
                IncrementHeader h = IncrementHeader.parse(head, head.length, label);
                space.skip(IncrementHeader.SIZE);
                space = space.increment(h, label);
                layers.add(Layer.of(h));
                continue;
            }
            if (!framed && LibvirtHeader.matches(head, head.length)) {
                LibvirtHeader h = readLibvirt(space, head, name, limits);
                layers.add(Layer.of(h));
                Compression c = Compression.ofLibvirtFormat(h.format());
                if (c == null) {
                    throw new MigrationFormatException(Code.UNSUPPORTED_VERSION, name, 28, 0, null, "libvirt save image format "
                            + h.formatName() + " is not supported (raw, gzip, xz, zstd, sparse are)");
                }
                if (c == Compression.NONE) {
                    continue;
                }
                space = decompress(space, c, name);
                label = name + " (" + c.name().toLowerCase(Locale.ROOT) + ")";
                layers.add(Layer.of(c));
                continue;
            }
            Compression c = Compression.detect(head, head.length);
            if (c != Compression.NONE && (last == null || last.isLibvirt()) && !framed) {
                space = decompress(space, c, name);
                label = name + " (" + c.name().toLowerCase(Locale.ROOT) + ")";
                layers.add(Layer.of(c));
                continue;
            }
            break;
        }
        if (!space.skip(offset)) {
            throw new MigrationFormatException(Code.TRUNCATED, label, space.position(), -1, null,
                    "input ends before the stream offset " + offset);
        }
        return new MigrationInput(name, space.source(label), layers, file, owned);
    }

    private static ByteSpace decompress(ByteSpace space, Compression c, String name) throws IOException {
        return new ByteSpace.InStream(DecompressedInput.open(new BufferedInputStream(space.rest(), 1 << 16), name, c));
    }

    /** A libvirt header at the space's position ({@code head} its first bytes), its data area read after it. */
    private static LibvirtHeader readLibvirt(ByteSpace space, byte[] head, String name, ReadLimits limits)
            throws IOException {
        if (head.length < LibvirtHeader.SIZE) {
            throw new MigrationFormatException(Code.TRUNCATED, name, head.length, 0, null,
                    "libvirt save image header cut short");
        }
        LibvirtHeader h = LibvirtHeader.parseFixed(head, name, limits.maxLibvirtData());
        space.skip(LibvirtHeader.SIZE);
        byte[] data = space.read((int) h.dataLength());
        if (data.length < h.dataLength()) {
            throw new MigrationFormatException(Code.TRUNCATED, name, LibvirtHeader.SIZE + data.length, 0, null,
                    "libvirt save image data area cut short");
        }
        return h.withData(data);
    }

    public String name() {
        return name;
    }

    /** The file, or null for standard input. */
    public Path path() {
        return path;
    }

    public ByteSource source() {
        return source;
    }

    /** The wrappers around the stream, outermost first (empty for a plain file or pipe). */
    public List<Layer> layers() {
        return layers;
    }

    /** The compression of the QEMU stream itself: a libvirt image's own, or the whole input's. */
    public Compression compression() {
        LibvirtHeader h = libvirt();
        if (h != null) {
            Compression c = Compression.ofLibvirtFormat(h.format());
            return c == null ? Compression.NONE : c;
        }
        return outer();
    }

    /** The compression of the whole input as read (of the stream, or around a libvirt image). */
    public Compression outer() {
        return !layers.isEmpty() && layers.get(0).compression() != null ? layers.get(0).compression() : Compression.NONE;
    }

    /** The increment's header, or null if the input is not a qmig increment. */
    public IncrementHeader increment() {
        for (Layer l : layers) {
            if (l.isIncrement()) {
                return l.increment();
            }
        }
        return null;
    }

    /** The libvirt header, or null if the input is not a libvirt save image. */
    public LibvirtHeader libvirt() {
        for (Layer l : layers) {
            if (l.isLibvirt()) {
                return l.libvirt();
            }
        }
        return null;
    }

    /**
     * "plain", "zstd", "gzip", "xz", "increment", or "libvirt" (with its own compression: "libvirt+zstd";
     * compressed whole: "zstd+libvirt"): the layers' kinds joined by '+'.
     */
    public String kind() {
        if (layers.isEmpty()) {
            return "plain";
        }
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            sb.append(sb.length() > 0 ? "+" : "").append(l.kind());
        }
        return sb.toString();
    }

    public boolean seekable() {
        return source.isSeekable();
    }

    /** Calls {@code listener} with the offset reached, from time to time while the input is read. */
    public void onProgress(LongConsumer listener) {
        this.progress = listener;
    }


    /**
     * The input's size in the units of the source's offsets, for progress: the file size of a file
     * read in place, -1 for pipes and compressed files.
     */
    public long totalBytes() {
        try {
            return source.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * A reader over this input (closing the reader closes the input's source); it tells this
     * input's progress listener how far {@link MigrationReader#feed} got.
     */
    public MigrationReader reader(ReadOptions options) throws IOException {
        MigrationReader r = MigrationReader.of(source, options);
        r.onProgress(progress);
        return r;
    }

    /**
     * A reader for a command that writes its output behind ({@link io.github.qmig.codec.io.WriteBehind}
     * on the second core): the input's pages are not touched ahead there ({@link ByteSource#touchAhead}).
     */
    public MigrationReader writingReader(ReadOptions options) throws IOException {
        source.touchAhead(false);
        return reader(options);
    }

    @Override
    public void close() throws IOException {
        try {
            source.close();
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
    }
}
