package io.github.qmig.output;

import io.github.qmig.codec.io.ByteSink;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Where a command writes one output: a file (through {@link AtomicOutput}: written beside, renamed
 * into place), or, for {@code -}, standard output, and for a FIFO or a device, that file itself,
 * written into as a stream: never replaced, never renamed. A layout that needs seeking (mapped-ram,
 * a sparse libvirt image) can only go to a file; asking for it elsewhere is refused before anything
 * is read.
 */
public final class Output implements Closeable {

    /** The name of standard output on the command line. */
    public static final String STDOUT = "-";

    private final String name;
    private final AtomicOutput file;
    private final OutputStream stream;
    private final boolean ownStream;

    private Output(String name, AtomicOutput file, OutputStream stream, boolean ownStream) {
        this.name = name;
        this.file = file;
        this.stream = stream;
        this.ownStream = ownStream;
    }

    /**
     * Opens {@code target} ({@link #STDOUT} for standard output).
     *
     * @param seekable whether the output needs seeking (then only a file will do)
     * @param inputs   files the output must not replace
     * @throws UnsuitableOutputException for a layout that seeks where there is no seeking
     * @throws IOException for an input or a directory
     */
    public static Output open(String target, OutputOptions options, boolean seekable, Path... inputs)
            throws IOException {
        if (target.equals(STDOUT)) {
            if (seekable) {
                throw new UnsuitableOutputException("-: this layout needs a file it can seek in, not standard output");
            }
            return new Output("<stdout>", null, new BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out),
                    1 << 16), false);
        }
        Path p = Path.of(target);
        Path resolved = Targets.resolve(p);
        if (Targets.kind(resolved) == Targets.Kind.SPECIAL) {
            if (seekable) {
                throw new UnsuitableOutputException(target + ": this layout needs a regular file it can seek in, not "
                        + "a FIFO or a device");
            }
            for (Path in : inputs) {
                if (in != null && Targets.sameFile(resolved, in)) {
                    throw new IOException(target + ": output is the same file as the input; refusing to overwrite it");
                }
            }
            return new Output(target, null, new BufferedOutputStream(new FileOutputStream(resolved.toFile()), 1 << 16),
                    true);
        }
        return new Output(target, AtomicOutput.create(p, options, inputs), null, false);
    }

    /** The name to say in messages. */
    public String name() {
        return name;
    }

    public boolean seekable() {
        return file != null;
    }

    /** The file's channel (seekable outputs only). */
    public FileChannel channel() {
        if (file == null) {
            throw new IllegalStateException(name + " is not seekable");
        }
        return file.channel();
    }

    /** A sink writing from {@code start} on: positional and with holes for a file, a stream otherwise. */
    public ByteSink sink(long start) {
        return file != null ? ByteSink.of(file.channel(), start, false) : ByteSink.of(stream);
    }

    /** A failure while writing, said of this output (see {@link AtomicOutput#named}). */
    public IOException named(IOException e) {
        return file != null ? file.named(e) : AtomicOutput.named(Path.of(name), null, e);
    }

    /** Finishes the output: a file is synced (if asked) and renamed into place; a stream flushed. */
    public void commit() throws IOException {
        if (file != null) {
            file.commit();
        } else {
            try {
                stream.flush();
            } catch (IOException e) {
                throw named(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        } else if (ownStream) {
            stream.close();
        } else {
            stream.flush();
        }
    }
}
