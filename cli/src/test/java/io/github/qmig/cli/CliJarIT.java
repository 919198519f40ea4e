package io.github.qmig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.cli.QmigJar.Result;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The shaded jar as users run it: standard input, compressed input, a small heap. */
class CliJarIT {

    @TempDir
    Path tmp;

    private static Result run(File stdin, String... args) throws IOException, InterruptedException {
        return QmigJar.run(stdin, args);
    }

    @Test
    void readsStdinPlainAndZstdAlikeWithA64MiBHeap() throws Exception {
        Fixture f = Fixtures.get("x86-pc-128M-live-xbzrle");
        Path plain = f.decompressTo(tmp.resolve("f.mig"));
        Result fromFile = run(null, "info", "--json", plain.toString());
        Result fromStdin = run(plain.toFile(), "info", "--json", "-");
        Result fromZstdStdin = run(f.compressed().toFile(), "info", "--json", "-");
        ObjectMapper m = new ObjectMapper();
        JsonNode a = m.readTree(fromFile.out());
        for (Result r : List.of(fromStdin, fromZstdStdin)) {
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode b = m.readTree(r.out());
            for (String field : List.of("format", "machine", "ram_blocks", "ram_records", "sections", "vmdesc", "complete")) {
                assertThat(b.get(field)).as(field).isEqualTo(a.get(field));
            }
        }
        assertThat(m.readTree(fromZstdStdin.out()).at("/source/kind").asText()).isEqualTo("zstd");
    }

    @Test
    void convertsFromStdinToMappedRam() throws Exception {
        Fixture f = Fixtures.get("x86-pc-128M-paused");
        Path out = tmp.resolve("mapped.mig");
        Result r = run(f.compressed().toFile(), "convert", "--to", "mapped-ram", "-", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(run(null, "info", "--json", out.toString()).out());
        assertThat(j.get("format").asText()).isEqualTo("mapped-ram");
        assertThat(j.at("/ram_records/mapped").asLong()).isEqualTo(f.metadata().counter("/ram/normal"));
    }

    /** A full disk (here: a file-size limit) fails cleanly: exit 3, the output named, nothing lost. */
    @Test
    void fullDiskLeavesTheOldOutputAndNoTemporaryFile() throws Exception {
        Path in = Fixtures.get("x86-pc-128M-live").decompressTo(tmp.resolve("in.mig"));
        Path dir = Files.createDirectory(tmp.resolve("out"));
        Path out = dir.resolve("out.mig");
        Files.writeString(out, "keep me");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("bash", "-c", "ulimit -f 2048; exec \"$0\" -Xmx64m -jar \"$1\" convert --to stream \"$2\" -o \"$3\"",
                java, Path.of("target", "qmig.jar").toAbsolutePath().toString(), in.toString(), out.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(3);
        assertThat(output.strip()).startsWith("qmig: " + out).contains("File too large");
        assertThat(Files.readString(out)).isEqualTo("keep me");
        try (var s = Files.list(dir)) {
            assertThat(s).containsExactly(out);
        }
    }

    /** Interrupted mid-conversion (SIGTERM, as Ctrl-C's SIGINT): the temporary file goes, OUT never appears. */
    @Test
    void interruptedConversionLeavesNothingBehind() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("out"));
        Path out = dir.resolve("out.mig");
        Path in = Fixtures.get("x86-pc-128M-paused").decompressTo(tmp.resolve("in.mig"));
        byte[] half = java.util.Arrays.copyOf(Files.readAllBytes(in), 4 << 20);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target", "qmig.jar").toAbsolutePath().toString(), "convert", "--to", "mapped-ram", "-", "-o",
                out.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(half); // the pipe stays open: qmig waits for the rest
        p.getOutputStream().flush();
        awaitTemporaryFile(dir);
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (var s = Files.list(dir)) {
            assertThat(s).isEmpty();
        }
    }

    private static void awaitTemporaryFile(Path dir) throws IOException, InterruptedException {
        for (int i = 0; i < 600; i++) {
            try (var s = Files.list(dir)) {
                if (s.anyMatch(x -> x.getFileName().toString().endsWith(".qmig-tmp"))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no temporary output appeared in " + dir);
    }

    @Test
    void damagedInputGivesNoStackTrace() throws Exception {
        Path bad = tmp.resolve("bad.mig");
        Files.write(bad, new byte[] {'Q', 'E', 'V', 'M', 0, 0, 0, 3, 0x42});
        Result r = run(null, "info", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("unknown record type 0x42 at byte 0x8").doesNotContain("\tat ");
    }

    /**
     * A write that fails on the writer thread (here EFBIG, under a 2 MiB file size limit; the JVM
     * ignores SIGXFSZ) ends the command with exit code 3, one line naming the output, and nothing
     * left behind.
     */
    @Test
    void aFailedWriteNamesTheOutputAndLeavesNothing() throws Exception {
        Path in = Fixtures.get("x86-pc-128M-paused").decompressTo(tmp.resolve("in.mig"));
        Path outs = Files.createDirectory(tmp.resolve("outs"));
        Path jar = Path.of("target", "qmig.jar").toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (List<String> args : List.of(List.of("convert", "--to", "mapped-ram", "-o", "o.mr"),
                List.of("convert", "--to", "stream", "-o", "o.mig"), List.of("extract", "-o", "x"))) {
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f 2048 && exec \"$@\"", "qmig",
                    java, "-Xmx64m", "-jar", jar.toString()));
            cmd.addAll(args);
            cmd.add(in.toString());
            Process p = new ProcessBuilder(cmd).directory(outs.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String target = args.get(args.size() - 1);
            assertThat(p.exitValue()).as(output).isEqualTo(3);
            assertThat(output.strip()).as(args.toString())
                    .isEqualTo("qmig: " + outs.resolve(target).toAbsolutePath().normalize() + ": File too large (writing the output)");
            try (var left = Files.list(outs)) {
                assertThat(left).as(args.toString()).isEmpty();
            }
        }
    }
}
