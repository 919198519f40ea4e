package io.github.qmig.snapshots;

import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.series.SeriesMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The saves of testdata/series (one running guest saved seven times) and their series.json. */
public final class SeriesAccess {

    public static final Path DIR = Fixtures.testdataDir().resolve("series");

    private SeriesAccess() {
    }

    public static SeriesMetadata metadata() {
        return SeriesMetadata.read(DIR.resolve("series.json"));
    }

    public static Fixture fixture(String name) {
        return Fixtures.list(DIR).stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no fixture " + name + " in " + DIR));
    }

    /** Save {@code i} decompressed into {@code dir} (once). */
    public static Path save(int i, Path dir) {
        return decompressed(metadata().saves().get(i).fixture(), dir);
    }

    public static Path decompressed(String fixture, Path dir) {
        Path p = dir.resolve(fixture + ".mig");
        try {
            return Files.exists(p) ? p : fixture(fixture).decompressTo(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
