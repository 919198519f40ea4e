package io.github.qmig.transform.convert;

import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.codec.io.WriteBehind;
import io.github.qmig.input.LibvirtHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.mappedram.MappedRamToStream;
import io.github.qmig.mappedram.MappedRamWriter;
import io.github.qmig.output.AtomicOutput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * {@code qmig convert}: reads any input the reader reads (stream or mapped-ram, plain, compressed,
 * libvirt, stdin) and writes the requested layout through an {@link AtomicOutput}, so the target
 * appears only when the conversion finished and the input is never overwritten.
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
        toStream(input, output, NO_HEAD, offset, options);
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
        LibvirtHeader h = input.libvirt();
        if (h == null) {
            throw new IllegalArgumentException(input.name() + " is not a libvirt save image");
        }
        if (mappedRam) {
            toMappedRam(input, output, h.encode(LibvirtHeader.FORMAT_SPARSE), h.streamOffset(), options);
        } else {
            toStream(input, output, h.encode(LibvirtHeader.FORMAT_RAW), h.streamOffset(), options);
        }
    }

    /** Writes {@code head} at the start of the output, then a plain stream at {@code offset}. */
    private static void toStream(MigrationInput input, Path output, byte[] head, long offset, OutputOptions options)
            throws IOException {
        boolean inPlace = input.seekable();
        ReadOptions read = inPlace ? RamSectionCodec.withoutMappedPages(ReadOptions.defaults())
                : RamSectionCodec.defaultOptions();
        try (AtomicOutput out = AtomicOutput.create(output, options, input.path());
             MigrationReader r = input.writingReader(read)) {
            ByteSink sink = ByteSink.of(out.channel(), 0, false);
            sink.skipTo(offset);
            try (MappedRamToStream w = new MappedRamToStream(sink, inPlace, out.target().getParent())) {
                WriteBehind.writeFully(out.channel(), ByteBuffer.wrap(head), 0);
                r.feed(w);
                out.commit();
            } catch (IOException e) {
                throw out.named(e);
            }
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
        toMappedRam(input, output, NO_HEAD, offset, options);
    }

    /** Writes {@code head} at the start of the output, then mapped-ram at {@code offset}. */
    private static void toMappedRam(MigrationInput input, Path output, byte[] head, long offset,
                                    OutputOptions options) throws IOException {
        try (AtomicOutput out = AtomicOutput.create(output, options, input.path());
             MigrationReader r = input.writingReader(RamSectionCodec.defaultOptions())) {
            try {
                WriteBehind.writeFully(out.channel(), ByteBuffer.wrap(head), 0);
                r.feed(new MappedRamWriter(out.channel(), offset));
                out.commit();
            } catch (IOException e) {
                throw out.named(e);
            }
        }
    }
}
