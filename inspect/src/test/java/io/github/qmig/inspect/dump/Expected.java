package io.github.qmig.inspect.dump;

import com.github.luben.zstd.ZstdInputStream;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expected outputs in {@code src/test/resources/dump/}: what QEMU 10.0's
 * scripts/analyze-migration.py printed for the testdata fixtures (see the README there), and the
 * fixture each was made from ({@code fixtures.sha256}).
 */
final class Expected {

    static final String DIR = "/dump/";

    private Expected() {
    }

    /** Fixture name to the SHA-256 of the uncompressed file the outputs were produced from. */
    static Map<String, String> manifest() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text("fixtures.sha256", false).split("\n")) {
            if (!line.isBlank()) {
                String[] p = line.trim().split("\\s+");
                m.put(p[1], p[0]);
            }
        }
        return m;
    }

    /** Names with an expected {@code kind} output ("state", "desc", "state-pages-skipped"). */
    static List<String> names(String kind) {
        return manifest().keySet().stream().filter(n -> Expected.class.getResource(resource(n, kind)) != null).toList();
    }

    static String resource(String name, String kind) {
        return DIR + name + "." + kind + ".json.zst";
    }

    /** The expected text of one output. */
    static String output(String name, String kind) {
        return text(name + "." + kind + ".json.zst", true);
    }

    private static String text(String file, boolean zstd) {
        try (InputStream raw = Expected.class.getResourceAsStream(DIR + file)) {
            if (raw == null) {
                throw new IllegalStateException("missing test resource " + DIR + file);
            }
            InputStream in = zstd ? new ZstdInputStream(raw) : raw;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture, checked to be the file the expected outputs were made from. */
    static Fixture fixture(String name) {
        Fixture f = Fixtures.get(name);
        assertThat(f.metadata().fileSha256())
                .as("testdata/%s changed since its expected outputs were made; regenerate them "
                        + "(inspect/src/test/resources/dump/README.md)", name)
                .isEqualTo(manifest().get(name));
        return f;
    }

    /** Dumps the fixture read as a zstd stream (not seekable: device state is delimited by scanning). */
    static MigrationDump dumpStream(Fixture f) throws IOException {
        try (MigrationInput in = MigrationInput.open(f.compressed(), 0)) {
            return DumpCollector.read(in, ReadLimits.defaults());
        }
    }

    /** Dumps an uncompressed copy (seekable: device state is delimited with the VMDESCRIPTION). */
    static MigrationDump dumpFile(Path file, long offset) throws IOException {
        try (MigrationInput in = MigrationInput.open(file, offset)) {
            return DumpCollector.read(in, ReadLimits.defaults());
        }
    }

    static Path decompress(Fixture f, Path dir) throws IOException {
        return Fixtures.decompress(f.compressed(), Files.createDirectories(dir).resolve(f.name() + ".mig"));
    }
}
