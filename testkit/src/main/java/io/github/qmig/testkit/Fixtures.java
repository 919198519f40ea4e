package io.github.qmig.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * Finds the {@code testdata/} directory and its fixtures, reads sidecars, decompresses files.
 *
 * <p>The directory is the system property {@code qmig.testdata} if set (the parent pom sets it for
 * Surefire), else the first {@code testdata/} found walking up from the working directory.
 */
public final class Fixtures {
    /** Suffix of compressed migration files. */
    public static final String SUFFIX = ".mig.zst";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Fixtures() {}

    /**
     * The testdata directory.
     *
     * @throws IllegalStateException if it cannot be found
     */
    public static Path testdataDir() {
        String prop = System.getProperty("qmig.testdata");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new IllegalStateException("qmig.testdata=" + prop + " is not a directory");
            }
            return p;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no testdata/ directory above " + Path.of("").toAbsolutePath()
                + " (set -Dqmig.testdata=...)");
    }

    /** All fixtures (a {@code .mig.zst} with a sidecar), sorted by name. */
    public static List<Fixture> list() {
        return list(testdataDir());
    }

    /** All fixtures in a directory, sorted by name. */
    public static List<Fixture> list(Path dir) {
        List<Fixture> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().forEach(p -> {
                String file = p.getFileName().toString();
                String name = file.substring(0, file.length() - SUFFIX.length());
                Path sidecar = dir.resolve(name + ".json");
                if (Files.isRegularFile(sidecar)) {
                    out.add(new Fixture(name, p, sidecar));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The fixture with this name.
     *
     * @throws NoSuchElementException if it does not exist
     */
    public static Fixture get(String name) {
        Path dir = testdataDir();
        Path zst = dir.resolve(name + SUFFIX);
        Path json = dir.resolve(name + ".json");
        if (!Files.isRegularFile(zst) || !Files.isRegularFile(json)) {
            throw new NoSuchElementException("no fixture " + name + " in " + dir);
        }
        return new Fixture(name, zst, json);
    }

    /** Parses a sidecar JSON file. */
    public static FixtureMetadata readMetadata(Path sidecar) {
        try {
            return JSON.readValue(sidecar.toFile(), FixtureMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture sidecar " + sidecar, e);
        }
    }

    /** Writes a sidecar JSON file (pretty-printed, trailing newline). */
    public static void writeMetadata(FixtureMetadata metadata, Path sidecar) throws IOException {
        Files.writeString(sidecar, JSON.writeValueAsString(metadata) + "\n");
    }

    /** Opens a decompressing stream over a {@code .zst} file. */
    public static InputStream openDecompressed(Path zst) throws IOException {
        return new ZstdInputStream(new BufferedInputStream(Files.newInputStream(zst), 1 << 16));
    }

    /**
     * Decompresses a {@code .zst} file to {@code target}, streaming. Runs of zero 4 KiB blocks are
     * skipped with a seek, so mapped-ram files come out sparse like QEMU's originals; the content
     * is byte-identical either way.
     */
    public static Path decompress(Path zst, Path target) throws IOException {
        final int block = 4096;
        try (InputStream in = openDecompressed(zst);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 20];
            long pos = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                for (int off = 0; off < n; off += block) {
                    int len = Math.min(block, n - off);
                    if (!allZero(buf, off, len)) {
                        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
                        long p = pos + off;
                        while (bb.hasRemaining()) {
                            p += out.write(bb, p);
                        }
                    }
                }
                pos += n;
            }
            if (out.size() < pos) {
                out.write(ByteBuffer.allocate(1), pos - 1); // trailing hole: extend to full length
            }
        }
        return target;
    }

    /** Decompresses to a new temporary file (suffix {@code .mig}); the caller deletes it. */
    public static Path decompressToTemp(Path zst) throws IOException {
        Path tmp = Files.createTempFile("qmig-fixture-", ".mig");
        try {
            return decompress(zst, tmp);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
