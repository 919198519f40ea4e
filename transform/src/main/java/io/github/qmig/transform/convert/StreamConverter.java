package io.github.qmig.transform.convert;

import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.codec.io.WriteBehind;
import io.github.qmig.input.LibvirtHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.mappedram.MappedRamToStream;
import io.github.qmig.mappedram.MappedRamWriter;
import io.github.qmig.output.Output;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.transform.salvage.SalvageReport;
import io.github.qmig.transform.salvage.Salvager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * {@code qmig convert}: reads any input the reader reads (stream or mapped-ram, plain, compressed,
 * libvirt, stdin) and writes the requested layout through an {@link Output}: a file appears only
 * when the conversion finished and the input is never overwritten; a stream can also go to standard
 * output ({@code -}), a FIFO or a device (QEMU's {@code exec:} reads one).
 */
public final class StreamConverter {

    private static final byte[] NO_HEAD = new byte[0];

    private StreamConverter() {
    }

    /**
     * Writes a plain stream: a plain input is re-encoded byte for byte; a mapped-ram input gets its
     * pages as PAGE/ZERO records.
     *
     * @param offset where the stream starts in the output (bytes before it are zero)
     */
    public static void toStream(MigrationInput input, Path output, long offset) throws IOException {
        toStream(input, output, offset, OutputOptions.defaults());
    }

    /** {@link #toStream(MigrationInput, Path, long)}, finishing the output as {@code options} say. */
    public static void toStream(MigrationInput input, Path output, long offset, OutputOptions options)
            throws IOException {
        toStream(input, output.toString(), offset, options, false);
    }

    /**
     * Writes a plain stream to {@code target} ({@code -}: standard output).
     *
     * @param normalize decode every page record (XBZRLE, zlib, repeated iterations) into one PAGE or
     *                  ZERO record per page, all in the first RAM iteration, as a mapped-ram input is
     *                  written: what QEMU 10 loads whatever the input's record kinds
     */
    public static void toStream(MigrationInput input, String target, long offset, OutputOptions options,
                                boolean normalize) throws IOException {
        toStream(input, target, NO_HEAD, offset, options, normalize);
    }

    /**
     * Writes a libvirt save image that {@code virsh restore} loads: the input's libvirt header and data
     * area (domain XML, cookie) unchanged but for the image format, {@code raw} with a plain stream or
     * {@code sparse} with mapped-ram, the stream at the same offset as in the input.
     *
     * @throws IllegalArgumentException if the input is not a libvirt save image
     */
    public static void toLibvirtImage(MigrationInput input, Path output, boolean mappedRam, OutputOptions options)
            throws IOException {
        toLibvirtImage(input, output.toString(), mappedRam, options);
    }

    /** As {@link #toLibvirtImage(MigrationInput, Path, boolean, OutputOptions)}; a raw image may go to {@code -}. */
    public static void toLibvirtImage(MigrationInput input, String target, boolean mappedRam, OutputOptions options)
            throws IOException {
        LibvirtHeader h = input.libvirt();
        if (h == null) {
            throw new IllegalArgumentException(input.name() + " is not a libvirt save image");
        }
        if (mappedRam) {
            toMappedRam(input, target, h.encode(LibvirtHeader.FORMAT_SPARSE), h.streamOffset(), options);
        } else {
            toStream(input, target, h.encode(LibvirtHeader.FORMAT_RAW), h.streamOffset(), options, false);
        }
    }

    /**
     * Salvages a damaged or cut input into a stream (or mapped-ram) file QEMU loads: what the input
     * holds up to where it breaks off, the section open there ended or taken back ({@link Salvager}).
     * The output needs a file: a section is taken back by cutting it.
     *
     * @return what the output holds and lacks, or null if the input was whole (the output is then
     *         what a plain conversion writes)
     */
    public static SalvageReport salvage(MigrationInput input, String target, boolean mappedRam, long offset,
                                        OutputOptions options) throws IOException {
        return mappedRam ? toMappedRam(input, target, NO_HEAD, offset, options, true)
                : toStream(input, target, NO_HEAD, offset, options, false, true);
    }

    private static void toStream(MigrationInput input, String target, byte[] head, long offset, OutputOptions options,
                                 boolean normalize) throws IOException {
        toStream(input, target, head, offset, options, normalize, false);
    }

    /** Writes {@code head} at the start of the output, then a plain stream at {@code offset}. */
    private static SalvageReport toStream(MigrationInput input, String target, byte[] head, long offset,
                                          OutputOptions options, boolean normalize, boolean salvage) throws IOException {
        boolean inPlace = input.seekable();
        ReadOptions read = inPlace ? RamSectionCodec.withoutMappedPages(ReadOptions.defaults())
                : RamSectionCodec.defaultOptions();
        try (Output out = Output.open(target, options, salvage, input.path());
             MigrationReader r = input.writingReader(read)) {
            ByteSink sink = out.sink(0);
            Path temp = out.seekable() ? Path.of(target).toAbsolutePath().getParent()
                    : Path.of(System.getProperty("java.io.tmpdir"));
            try (MappedRamToStream w = new MappedRamToStream(sink, inPlace, temp, normalize)) {
                sink.write(head, 0, head.length);
                sink.skipTo(offset);
                SalvageReport report = feed(input, r, w, salvage ? Salvager.Rewind.of(sink) : null);
                sink.flush();
                out.commit();
                return report;
            } catch (IOException e) {
                throw out.named(e);
            }
        }
    }

    /**
     * Feeds the reader's events to {@code consumer}; with a {@code rewind}, a break in the input is
     * salvaged rather than thrown.
     */
    private static SalvageReport feed(MigrationInput input, MigrationReader r, EventConsumer consumer,
                                      Salvager.Rewind rewind) throws IOException {
        if (rewind == null) {
            r.feed(consumer);
            return null;
        }
        Salvager s = new Salvager(consumer, rewind);
        try {
            r.feed(s);
            return null;
        } catch (MigrationFormatException cut) {
            return s.salvage(input.name(), cut);
        }
    }

    /**
     * Writes QEMU's mapped-ram layout.
     *
     * @param offset where the stream starts in the output ({@code file:OUT,offset=N}); mapped-ram
     *               offsets in the file are absolute
     */
    public static void toMappedRam(MigrationInput input, Path output, long offset) throws IOException {
        toMappedRam(input, output, offset, OutputOptions.defaults());
    }

    /** {@link #toMappedRam(MigrationInput, Path, long)}, finishing the output as {@code options} say. */
    public static void toMappedRam(MigrationInput input, Path output, long offset, OutputOptions options)
            throws IOException {
        toMappedRam(input, output.toString(), NO_HEAD, offset, options);
    }

    /** As {@link #toMappedRam(MigrationInput, Path, long, OutputOptions)}: only a file will do (it seeks). */
    public static void toMappedRam(MigrationInput input, String target, long offset, OutputOptions options)
            throws IOException {
        toMappedRam(input, target, NO_HEAD, offset, options);
    }

    private static void toMappedRam(MigrationInput input, String target, byte[] head, long offset,
                                    OutputOptions options) throws IOException {
        toMappedRam(input, target, head, offset, options, false);
    }

    /** Writes {@code head} at the start of the output, then mapped-ram at {@code offset}. */
    private static SalvageReport toMappedRam(MigrationInput input, String target, byte[] head, long offset,
                                             OutputOptions options, boolean salvage) throws IOException {
        try (Output out = Output.open(target, options, true, input.path());
             MigrationReader r = input.writingReader(RamSectionCodec.defaultOptions())) {
            try {
                WriteBehind.writeFully(out.channel(), ByteBuffer.wrap(head), 0);
                MappedRamWriter w = new MappedRamWriter(out.channel(), offset);
                SalvageReport report = feed(input, r, w, salvage ? Salvager.Rewind.of(w.sink()) : null);
                out.commit();
                return report;
            } catch (IOException e) {
                throw out.named(e);
            }
        }
    }
}
