package io.github.qmig.snapshots.increment;

import io.github.qmig.codec.MigrationWriter;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.mappedram.MappedRamWriter;
import io.github.qmig.output.AtomicOutput;
import io.github.qmig.output.OutputOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes what a {@link Layers} stack gives ({@code qmig apply}, {@code qmig chain restore}): a
 * file in either layout, through an {@link AtomicOutput} (it appears only when complete and checked),
 * or a plain stream to a pipe, which QEMU loads as it comes ({@code -incoming 'exec:qmig apply ...
 * -o -'}); for a pipe the caller checks the layers first ({@link Layers#verify()}), since what is
 * written cannot be taken back.
 */
public final class Restore {

    private Restore() {
    }

    /**
     * Writes the top level to {@code target}.
     *
     * @param mappedRam QEMU's mapped-ram layout (load with the {@code mapped-ram} capability), else a stream
     * @param inputs    files the output must not replace
     */
    public static void toFile(Layers layers, Path target, boolean mappedRam, OutputOptions options, Path... inputs)
            throws IOException {
        try (AtomicOutput out = AtomicOutput.create(target, options, inputs)) {
            try {
                if (mappedRam) {
                    layers.feed(new MappedRamWriter(out.channel(), 0));
                } else {
                    MigrationWriter w = MigrationWriter.of(ByteSink.of(out.channel(), 0, false));
                    layers.feed(w::write);
                    w.flush();
                }
                out.commit();
            } catch (IOException e) {
                throw out.named(e);
            }
        }
    }

    /** Writes the top level as a plain stream to {@code out} (not closed). */
    public static void toStream(Layers layers, OutputStream out) throws IOException {
        MigrationWriter w = MigrationWriter.of(ByteSink.of(out));
        layers.feed(w::write);
        w.flush();
    }
}
