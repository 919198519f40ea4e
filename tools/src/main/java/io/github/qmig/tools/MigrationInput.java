package io.github.qmig.tools;

import io.github.qmig.codec.ByteSource;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Reason;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadOptions;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A migration stream as users have it: a plain file (seekable), standard input ({@code -}), a
 * zstd/gzip/xz file, or a libvirt save image whose stream follows its header raw, compressed, or
 * as mapped-ram ({@code sparse}). Everything is recognised by magic bytes. The stream's offsets are
 * file offsets where the file is read directly (plain and libvirt raw/sparse: mapped-ram offsets
 * stay absolute), and count from 0 in a decompressed stream.
 */
public final class MigrationInput implements Closeable {

    /** Name used for standard input in messages. */
    public static final String STDIN = "<stdin>";
    private static final int MAX_LIBVIRT_DATA = 64 << 20;

    private final String name;
    private final ByteSource source;
    /** The compression of the whole input: of the stream, or around a libvirt image. */
    private final Compression outer;
    /** The compression of the QEMU stream itself (the outer one, or a libvirt image's own). */
    private final Compression compression;
    private final LibvirtHeader libvirt;
    private final Path path;
    private final Closeable owned;
    private java.util.function.LongConsumer progress;

    private MigrationInput(String name, ByteSource source, Compression outer, Compression compression,
                           LibvirtHeader libvirt, Path path, Closeable owned) {
        this.name = name;
        this.source = source;
        this.outer = outer;
        this.compression = compression;
        this.libvirt = libvirt;
        this.path = path;
        this.owned = owned;
    }

    /** Opens {@code file}, or standard input for {@code "-"}, starting the stream at {@code offset}. */
    public static MigrationInput open(String file, long offset) throws IOException {
        if (file.equals("-")) {
            return ofStream(System.in, STDIN, offset, null);
        }
        return open(Path.of(file), offset);
    }

    public static MigrationInput open(Path file, long offset) throws IOException {
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
            return ofChannel(ch, file, offset);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static MigrationInput ofChannel(FileChannel ch, Path file, long offset) throws IOException {
        String name = file.toString();
        byte[] head = new byte[LibvirtHeader.SIZE];
        int n = readAt(ch, 0, head);
        if (LibvirtHeader.matches(head, n)) {
            LibvirtHeader h = libvirtHeader(head, n, name);
            if (LibvirtHeader.SIZE + h.dataLength() > ch.size()) { // before allocating: data_len is untrusted
                throw new MigrationFormatException(Reason.TRUNCATED, name, ch.size(), 0, null,
                        "libvirt save image data area cut short");
            }
            byte[] data = new byte[(int) h.dataLength()];
            if (readAt(ch, LibvirtHeader.SIZE, data) < data.length) {
                throw new MigrationFormatException(Reason.TRUNCATED, name, ch.size(), 0, null,
                        "libvirt save image data area cut short");
            }
            h = h.withData(data);
            Compression c = libvirtCompression(h, name);
            if (c == Compression.NONE) {
                // raw and sparse: read in place; mapped-ram offsets are file offsets
                return new MigrationInput(name, ByteSource.of(ch, name, h.streamOffset() + offset, true),
                        Compression.NONE, c, h, file, null);
            }
            return decompressed(Channels.newInputStream(ch.position(h.streamOffset())), Compression.NONE, c, name,
                    offset, h, file, ch);
        }
        Compression c = Compression.detect(head, n);
        if (c == Compression.NONE) {
            return new MigrationInput(name, ByteSource.of(ch, name, offset, true), c, c, null, file, null);
        }
        return compressed(Channels.newInputStream(ch.position(0)), c, name, offset, file, ch);
    }

    /**
     * A stream input (pipes, stdin): detection by peeking; nothing is seekable. {@code offset}
     * counts in the QEMU stream (after decompression, after a libvirt header).
     */
    public static MigrationInput ofStream(InputStream raw, String name, long offset, Closeable owned) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        byte[] head = peek(in);
        if (LibvirtHeader.matches(head, head.length)) {
            return libvirtStream(in, head, Compression.NONE, name, offset, null, owned);
        }
        Compression c = Compression.detect(head, head.length);
        if (c == Compression.NONE) {
            in.skipNBytes(offset);
            return new MigrationInput(name, ByteSource.of(in, name, offset), c, c, null, null, owned);
        }
        return compressed(in, c, name, offset, null, owned);
    }

    /**
     * A compressed file or stream: what it decompresses to is a migration stream, or a libvirt save
     * image that was compressed whole (an archived {@code virsh save} file).
     */
    private static MigrationInput compressed(InputStream compressed, Compression c, String name, long offset,
                                             Path file, Closeable owned) throws IOException {
        BufferedInputStream in = new BufferedInputStream(
                DecompressedInput.open(new BufferedInputStream(compressed, 1 << 16), name, c), 1 << 16);
        byte[] head = peek(in);
        if (LibvirtHeader.matches(head, head.length)) {
            return libvirtStream(in, head, c, name, offset, file, owned);
        }
        in.skipNBytes(offset);
        return new MigrationInput(name, ByteSource.of(in, name + " (" + c.name().toLowerCase() + ")", offset),
                c, c, null, file, owned);
    }

    /** A libvirt save image read as a stream, its header at the start of {@code in} ({@code head}). */
    private static MigrationInput libvirtStream(InputStream in, byte[] head, Compression outer, String name,
                                                long offset, Path file, Closeable owned) throws IOException {
        LibvirtHeader h = libvirtHeader(head, head.length, name);
        in.skipNBytes(LibvirtHeader.SIZE);
        byte[] data = in.readNBytes((int) h.dataLength());
        if (data.length < h.dataLength()) {
            throw new MigrationFormatException(Reason.TRUNCATED, name, LibvirtHeader.SIZE + data.length, 0, null,
                    "libvirt save image data area cut short");
        }
        h = h.withData(data);
        Compression c = libvirtCompression(h, name);
        if (c == Compression.NONE) {
            in.skipNBytes(offset);
            String inner = outer == Compression.NONE ? name : name + " (" + outer.name().toLowerCase() + ")";
            return new MigrationInput(name, ByteSource.of(in, inner, h.streamOffset() + offset), outer, c, h, file,
                    owned);
        }
        return decompressed(in, outer, c, name, offset, h, file, owned);
    }

    /** The first bytes of {@code in}, as many as a libvirt header, left unread. */
    private static byte[] peek(BufferedInputStream in) throws IOException {
        in.mark(LibvirtHeader.SIZE);
        byte[] head = in.readNBytes(LibvirtHeader.SIZE);
        in.reset();
        return head;
    }

    /** A stream compressed by libvirt's image format; offsets count from the first decompressed byte. */
    private static MigrationInput decompressed(InputStream compressed, Compression outer, Compression c, String name,
                                               long offset, LibvirtHeader h, Path file, Closeable owned)
            throws IOException {
        InputStream in = DecompressedInput.open(new BufferedInputStream(compressed, 1 << 16), name, c);
        in.skipNBytes(offset);
        return new MigrationInput(name, ByteSource.of(in, name + " (" + c.name().toLowerCase() + ")", offset), outer,
                c, h, file, owned);
    }

    private static LibvirtHeader libvirtHeader(byte[] head, int n, String name) throws MigrationFormatException {
        if (n < LibvirtHeader.SIZE) {
            throw new MigrationFormatException(Reason.TRUNCATED, name, n, 0, null, "libvirt save image header cut short");
        }
        return LibvirtHeader.parseFixed(head, name, MAX_LIBVIRT_DATA);
    }

    private static Compression libvirtCompression(LibvirtHeader h, String name) throws MigrationFormatException {
        Compression c = Compression.ofLibvirtFormat(h.format());
        if (c == null) {
            throw new MigrationFormatException(Reason.UNSUPPORTED_VERSION, name, 28, 0, null,
                    "libvirt save image format " + h.formatName() + " is not supported (raw, gzip, xz, zstd, sparse are)");
        }
        return c;
    }

    private static int readAt(FileChannel ch, long at, byte[] dst) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst);
        while (b.hasRemaining()) {
            int r = ch.read(b, at + b.position());
            if (r < 0) {
                break;
            }
        }
        return b.position();
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

    public Compression compression() {
        return compression;
    }

    /** The compression of the whole input as read (of the stream, or around a libvirt image). */
    public Compression outer() {
        return outer;
    }

    /** The libvirt header, or null if the input is not a libvirt save image. */
    public LibvirtHeader libvirt() {
        return libvirt;
    }

    /**
     * "plain", "zstd", "gzip", "xz", or "libvirt" (with its own compression: "libvirt+zstd"; compressed
     * whole: "zstd+libvirt").
     */
    public String kind() {
        if (libvirt == null) {
            return compression == Compression.NONE ? "plain" : compression.name().toLowerCase();
        }
        return (outer == Compression.NONE ? "" : outer.name().toLowerCase() + "+") + "libvirt"
                + (compression == Compression.NONE ? "" : "+" + compression.name().toLowerCase());
    }

    public boolean seekable() {
        return source.isSeekable();
    }

    /** Calls {@code listener} with the offset reached, from time to time while the input is read. */
    public void onProgress(java.util.function.LongConsumer listener) {
        this.progress = listener;
    }

    /** The progress listener, or null. */
    java.util.function.LongConsumer progress() {
        return progress;
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

    /** A reader over this input (closing the reader closes the input's source). */
    public MigrationReader reader(ReadOptions options) throws IOException {
        return MigrationReader.of(source, options);
    }

    /**
     * A reader for a command that writes its output behind ({@link io.github.qmig.codec.WriteBehind}
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
