package io.github.qmig.tools;

import io.github.qmig.codec.ByteSink;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.MigrationWriter;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code qmig convert}: reads any input the reader reads and writes it in the requested layout,
 * through an {@link AtomicOutput}: the target appears only when the conversion finished.
 */
public final class StreamConverter {

    private StreamConverter() {
    }

    /** Re-encodes a stream as a stream: every event written back, so the bytes are identical. */
    public static void toStream(MigrationInput input, Path output) throws IOException {
        try (AtomicOutput out = AtomicOutput.create(output, input.path());
             MigrationReader r = input.reader(RamSectionCodec.defaultOptions())) {
            MigrationWriter w = MigrationWriter.of(ByteSink.of(out.channel(), 0, false));
            Pipeline.run(r, w::write);
            w.flush();
            out.commit();
        }
    }
}
