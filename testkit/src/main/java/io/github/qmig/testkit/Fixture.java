package io.github.qmig.testkit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One fixture in {@code testdata/}: a zstd-compressed migration file {@code <name>.mig.zst} and
 * its sidecar {@code <name>.json}.
 *
 * @param name fixture name, e.g. {@code x86-pc-128M-paused}
 * @param compressed path of {@code <name>.mig.zst}
 * @param sidecar path of {@code <name>.json}
 */
public record Fixture(String name, Path compressed, Path sidecar) {

    /** Reads and parses the sidecar. */
    public FixtureMetadata metadata() {
        return Fixtures.readMetadata(sidecar);
    }

    /** Decompresses the migration file to {@code target} (sparse where the data is zero). */
    public Path decompressTo(Path target) throws IOException {
        return Fixtures.decompress(compressed, target);
    }

    /** Decompresses the migration file to a new temporary file; the caller deletes it. */
    public Path decompressToTemp() throws IOException {
        return Fixtures.decompressToTemp(compressed);
    }
}
