package io.github.qmig.snapshots.increment;

import io.github.qmig.codec.MigrationWriter;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.mappedram.MappedRamWriter;
import io.github.qmig.output.Output;
import io.github.qmig.output.OutputOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes what a {@link Layers} stack gives ({@code qmig apply}, {@code qmig chain restore}) to an
 * {@link Output}: a file, which appears only when complete and checked, or a stream (standard
 * output, a FIFO), which QEMU loads as it comes ({@code -incoming 'exec:qmig apply ... -o -'}).
 * What goes into a stream cannot be taken back, so the layers are checked before its first byte
 * ({@link Layers#verify()}: the base is read once more), unless the base is standard input itself.
 */
public final class Restore {

    private Restore() {
    }

    /**
     * Writes the top level to {@code target} ({@code -} for standard output).
     *
     * @param mappedRam QEMU's mapped-ram layout (load it with the {@code mapped-ram} capability; a
     *                  file only), else a plain stream
     * @param inputs    files the output must not replace
     */
    public static void write(Layers layers, String target, boolean mappedRam, OutputOptions options, Path... inputs)
            throws IOException {
        try (Output out = Output.open(target, options, mappedRam, inputs)) {
            if (!out.seekable() && !layers.baseIsStandardInput()) {
                layers.verify();
            }
            try {
                if (mappedRam) {
                    layers.feed(new MappedRamWriter(out.channel(), 0));
                } else {
                    MigrationWriter w = MigrationWriter.of(out.sink(0));
                    layers.feed(w::write);
                    w.flush();
                }
                out.commit();
            } catch (IOException e) {
                throw out.named(e);
            }
        }
    }

    /** Writes the top level as a plain stream to {@code out} (not closed); the caller checks first. */
    public static void toStream(Layers layers, OutputStream out) throws IOException {
        MigrationWriter w = MigrationWriter.of(ByteSink.of(out));
        layers.feed(w::write);
        w.flush();
    }
}
