package io.github.qmig.input;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.qcow2.Qcow2Header;
import io.github.qmig.qcow2.Qcow2Image;
import io.github.qmig.qcow2.Snapshot;
import io.github.qmig.qcow2.SnapshotChoice;

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
 * as mapped-ram ({@code sparse}); a libvirt image may itself be compressed whole; the VM state
 * of an internal snapshot inside a qcow2 disk image ({@code savevm}), chosen by its ID or name; or
 * a qmig increment ({@link IncrementHeader}), whose stream is checked against its digest.
 *
 * <p>Opening is one loop: look at the first bytes, and while they are a wrapper's magic (never a
 * file name), unwrap that {@link Layer} and look again; what is left is the QEMU stream.
 * <pre>
 * input := [compression] ([libvirt-image [compression]] | [increment]) qemu-stream
 *        | qcow2-image(snapshot) qemu-stream
 * </pre>
 * The stream's offsets are file offsets where the file is read in place (plain, libvirt raw and
 * sparse: mapped-ram offsets stay absolute), count from the first decompressed byte of a
 * compressed layer, and from the first byte of a snapshot's VM state (read in place, seekable; its
 * qcow2 structures' errors name offsets in the image file).
 */
public final class MigrationInput implements Closeable {

    /** Name used for standard input in messages. */
    public static final String STDIN = "<stdin>";

    /**
     * One wrapper around the stream, outermost first: a compression, a libvirt save image, the
     * internal snapshot of a qcow2 image whose VM state is the stream, or an increment.
     */
    public record Layer(Compression compression, LibvirtHeader libvirt, SnapshotChoice qcow2, IncrementHeader increment) {
        public Layer(Compression compression, LibvirtHeader libvirt) {
            this(compression, libvirt, null, null);
        }

        static Layer of(Compression c) {
            return new Layer(c, null, null, null);
        }

        static Layer of(LibvirtHeader h) {
            return new Layer(null, h, null, null);
        }

        static Layer of(SnapshotChoice c) {
            return new Layer(null, null, c, null);
        }

        static Layer of(IncrementHeader h) {
            return new Layer(null, null, null, h);
        }

        public boolean isLibvirt() {
            return libvirt != null;
        }

        public boolean isQcow2() {
            return qcow2 != null;
        }

        public boolean isIncrement() {
            return increment != null;
        }

        /** {@code zstd}, {@code gzip}, {@code xz}, {@code libvirt}, {@code qcow2} or {@code increment}. */
        public String kind() {
            return isLibvirt() ? "libvirt" : isQcow2() ? "qcow2" : isIncrement() ? "increment"
                    : compression.name().toLowerCase(Locale.ROOT);
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
        return open(file, offset, limits, null);
    }

    /**
     * As {@link #open(String, long, ReadLimits)}; in a qcow2 image, reads the VM state of the
     * internal snapshot {@code snapshot} (an ID first, then a name; see {@link SnapshotChoice}).
     * Without {@code snapshot}, {@code IMAGE@NAME} chooses snapshot {@code NAME} of {@code IMAGE},
     * unless a file of that whole name exists.
     *
     * @param snapshot null to choose none (a qcow2 image then fails, listing its snapshots)
     */
    public static MigrationInput open(String file, long offset, ReadLimits limits, String snapshot) throws IOException {
        if (file.equals("-")) {
            return unwrap(STDIN, new ByteSpace.InStream(System.in), offset, null, null, limits, snapshot, null);
        }
        int at = file.lastIndexOf('@');
        if (snapshot == null && at > 0 && at < file.length() - 1 && !Files.exists(Path.of(file))
                && Files.isRegularFile(Path.of(file.substring(0, at)))) {
            return open(Path.of(file.substring(0, at)), offset, limits, file.substring(at + 1));
        }
        return open(Path.of(file), offset, limits, snapshot);
    }

    public static MigrationInput open(Path file, long offset) throws IOException {
        return open(file, offset, ReadLimits.defaults());
    }

    /** As {@link #open(Path, long)}, within {@code limits}. */
    public static MigrationInput open(Path file, long offset, ReadLimits limits) throws IOException {
        return open(file, offset, limits, null);
    }

    /** As {@link #open(Path, long, ReadLimits)}, reading the VM state of {@code snapshot} in a qcow2 image. */
    public static MigrationInput open(Path file, long offset, ReadLimits limits, String snapshot) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory");
        }
        String device = deviceKind(file);
        if (device != null) { // a FIFO, a device: read forward, as standard input (its size says nothing)
            InputStream raw = Files.newInputStream(file);
            try {
                return unwrap(file.toString(), new ByteSpace.InStream(raw), offset, null, raw, limits, snapshot, device);
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try {
            return unwrap(file.toString(), new ByteSpace.InFile(ch), offset, file, null, limits, snapshot, null);
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
        return unwrap(name, new ByteSpace.InStream(raw), offset, null, owned, limits, null, null);
    }

    /**
     * What {@code file} is if it is neither a regular file nor a directory ("a character device"),
     * else null.
     */
    private static String deviceKind(Path file) throws IOException {
        if (Files.isRegularFile(file) || !Files.exists(file)) {
            return null;
        }
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    /**
     * The detect-and-unwrap loop (see the class comment).
     *
     * @param device what the file is if no regular file (see {@link #deviceKind}), for messages
     */
    private static MigrationInput unwrap(String name, ByteSpace space, long offset, Path file, Closeable owned,
                                         ReadLimits limits, String snapshot, String device) throws IOException {
        List<Layer> layers = new ArrayList<>();
        String label = name;
        while (true) {
            byte[] head = space.peek(Math.max(LibvirtHeader.SIZE, IncrementHeader.SIZE));
            if (Qcow2Header.matches(head, head.length)) {
                if (!(space instanceof ByteSpace.InFile f) || !layers.isEmpty()) {
                    throw new MigrationFormatException(Code.QCOW2_UNSUPPORTED, label, space.position(), -1, null,
                            "a qcow2 image in a " + (layers.isEmpty() ? "pipe" : layers.get(layers.size() - 1).kind()
                                    + " wrapper") + ": its VM states are read at random offsets, from a file "
                                    + "(decompress it to one first)");
                }
                Qcow2Image image = Qcow2Image.open(f.channel(), name, limits);
                try {
                    SnapshotChoice c = image.choose(snapshot);
                    space = new ByteSpace.InSnapshot(image, c.snapshot());
                    label = image.label(c.snapshot());
                    layers.add(Layer.of(c));
                } catch (IOException | RuntimeException e) {
                    image.close();
                    throw e;
                }
                break; // the VM state is the QEMU stream
            }
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
                    throw new MigrationFormatException(Code.UNSUPPORTED_COMPRESSION, name, 28, 0, null,
                            "libvirt save image format " + h.formatName()
                                    + " is not supported (raw, gzip, bzip2, xz, lzop, zstd, sparse are)");
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
        if (snapshot != null && layers.stream().noneMatch(Layer::isQcow2)) {
            throw new MigrationFormatException(Code.QCOW2_SNAPSHOT_UNAVAILABLE, label, 0, -1, null, String.format(
                    "snapshot '%s' asked of an input that is no qcow2 image (it is %s)", Snapshot.printable(snapshot),
                    layers.isEmpty() ? "plain" : String.join("+", layers.stream().map(Layer::kind).toList())));
        }
        if (!space.skip(offset)) {
            throw new MigrationFormatException(Code.TRUNCATED, label, space.position(), -1, null,
                    "input ends before the stream offset " + offset);
        }
        if (!FileKinds.isStream(space.peek(4))) {
            throw FileKinds.notAStream(label, space.position(), space.peek(FileKinds.SCAN),
                    layers.isEmpty() ? device : null);
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

    /** The internal snapshot of a qcow2 image whose VM state this is, or null. */
    public SnapshotChoice qcow2() {
        for (Layer l : layers) {
            if (l.isQcow2()) {
                return l.qcow2();
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
     * "plain", "zstd", "gzip", "xz", "increment", "libvirt" (with its own compression: "libvirt+zstd";
     * compressed whole: "zstd+libvirt"), or "qcow2": the layers' kinds joined by '+'.
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
