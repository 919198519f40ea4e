package io.github.qmig.cli;

import io.github.qmig.cli.QmigJar.Result;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Outputs respect what they land on: standard output, a FIFO and a device are written into, never
 * replaced; a symlink is followed; the leftovers of dead runs go; a signal leaves nothing behind and
 * says so; a failed write to standard output is exit 3.
 */
class OutputTargetsIT {

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static Path in;
    private static byte[] reference;

    @BeforeAll
    static void convertOnceToAFile() throws Exception {
        in = Fixtures.get("x86-pc-128M-paused").decompressTo(shared.resolve("in.mig"));
        Path ref = shared.resolve("ref.mig");
        Result r = QmigJar.run(null, "convert", "--to", "stream", in.toString(), "-o", ref.toString());
        assertThat(r.code()).as(r.err()).isZero();
        reference = Files.readAllBytes(ref);
    }

    @Test
    void aStreamGoesToStandardOutputAsToAFile() throws Exception {
        Path captured = tmp.resolve("stdout.mig");
        Result r = QmigJar.run(null, captured.toFile(), "convert", "--to", "stream", in.toString(), "-o", "-");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(captured)).isEqualTo(reference);
    }

    @Test
    void aLayoutThatSeeksIsRefusedOnStandardOutputAndOnAFifo() throws Exception {
        Path fifo = mkfifo(tmp.resolve("pipe"));
        for (String target : new String[] {"-", fifo.toString()}) {
            Result r = QmigJar.run(null, "convert", "--to", "mapped-ram", in.toString(), "-o", target);
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("needs a").contains("seek");
        }
        assertThat(isFifo(fifo)).isTrue();
    }

    @Test
    void aFifoIsWrittenIntoNotReplaced() throws Exception {
        Path fifo = mkfifo(tmp.resolve("pipe"));
        CompletableFuture<byte[]> read = readAll(fifo);
        Result r = QmigJar.run(null, "convert", "--to", "stream", in.toString(), "-o", fifo.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo(reference);
        assertThat(isFifo(fifo)).isTrue();
        assertThat(listing(tmp)).containsExactly(fifo);

        CompletableFuture<byte[]> report = readAll(fifo);
        Result v = QmigJar.run(null, "validate", "--junit", fifo.toString(), in.toString());
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(new String(report.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8)).contains("<testsuite");
        assertThat(isFifo(fifo)).isTrue();
    }

    /** A device node of our own (the kernel's /dev/full, major 1 minor 7): written into, so ENOSPC, exit 3. */
    @Test
    void aDeviceIsWrittenIntoNotReplaced() throws Exception {
        Path full = tmp.resolve("full");
        Process mknod = new ProcessBuilder("mknod", full.toString(), "c", "1", "7").redirectErrorStream(true).start();
        assumeTrue(mknod.waitFor() == 0, "mknod needs root");
        Result junit = QmigJar.run(null, "validate", "--junit", full.toString(), in.toString());
        assertThat(junit.code()).as(junit.err()).isEqualTo(3);
        assertThat(junit.err()).contains(full.toString()).contains("No space left on device");
        Result convert = QmigJar.run(null, "convert", "--to", "stream", in.toString(), "-o", full.toString());
        assertThat(convert.code()).as(convert.err()).isEqualTo(3);
        assertThat(Files.isRegularFile(full, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readAttributes(full, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode"))
                .as("still a character device").matches(m -> ((Integer) m & 0170000) == 0020000);
        assertThat(listing(tmp)).containsExactly(full);
    }

    @Test
    void aFailedWriteToStandardOutputIsExitThree() throws Exception {
        File devFull = new File("/dev/full");
        assumeTrue(devFull.exists());
        for (String[] args : new String[][] {{"dump", in.toString()}, {"info", in.toString()},
            {"info", "--json", in.toString()}, {"validate", "--json", in.toString()},
            {"convert", "--to", "stream", in.toString(), "-o", "-"}}) {
            Result r = QmigJar.run(null, devFull, args);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(3);
            assertThat(r.err()).as(args[0]).containsAnyOf("cannot write standard output", "No space left on device")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aSymlinkIsFollowedAndTheFileItNamesReplacedInItsOwnDirectory() throws Exception {
        Path real = Files.writeString(Files.createDirectory(tmp.resolve("real")).resolve("out.mig"), "old");
        Path linkDir = Files.createDirectory(tmp.resolve("links"));
        Path link = Files.createSymbolicLink(linkDir.resolve("out.mig"), Path.of("..", "real", "out.mig"));
        Result r = QmigJar.run(null, "convert", "--to", "stream", in.toString(), "-o", link.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readAllBytes(real)).isEqualTo(reference);
        assertThat(listing(linkDir)).containsExactly(link);
        assertThat(listing(real.getParent())).containsExactly(real);
    }

    @Test
    void leftoversOfDeadRunsAreRemovedAndThoseOfLiveOnesKept() throws Exception {
        long dead = 999_999_999L; // above Linux's highest possible pid_max (2^22)
        long alive = ProcessHandle.current().pid();
        Path deadFile = Files.writeString(tmp.resolve(".out.mig." + dead + ".k3j2.qmig-tmp"), "x");
        Path liveFile = Files.writeString(tmp.resolve(".out.mig." + alive + ".k3j2.qmig-tmp"), "x");
        Path deadDir = Files.createDirectory(tmp.resolve(".blocks." + dead + ".a1.qmig-tmp"));
        Files.writeString(deadDir.resolve("pc.ram.raw"), "x");
        Path other = Files.writeString(tmp.resolve(".other.mig." + dead + ".k3j2.qmig-tmp"), "x");

        assertThat(QmigJar.run(null, "convert", "--to", "stream", in.toString(), "-o",
                tmp.resolve("out.mig").toString()).code()).isZero();
        assertThat(QmigJar.run(null, "extract", "--no-hash", in.toString(), "-o",
                tmp.resolve("blocks").toString()).code()).isZero();
        assertThat(deadFile).doesNotExist();
        assertThat(deadDir).doesNotExist();
        assertThat(liveFile).exists();
        assertThat(other).as("another target's leftover").exists();
    }

    @Test
    void ctrlCDuringExtractLeavesNoDirectoryAndSaysInterrupted() throws Exception {
        interrupt("INT", 130, "qmig: interrupted", "extract", "--no-hash", "-", "-o", "blocks");
    }

    @Test
    void sigtermDuringConvertSaysTerminated() throws Exception {
        interrupt("TERM", 143, "qmig: terminated", "convert", "--to", "mapped-ram", "-", "-o", "out.mig");
    }

    /** Feeds half of the input, waits for the temporary output, signals, and checks nothing is left. */
    private void interrupt(String signal, int code, String said, String... args) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("work"));
        Process p = new ProcessBuilder(QmigJar.command(args)).directory(dir.toFile()).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try (InputStream src = Files.newInputStream(in)) {
            p.getOutputStream().write(src.readNBytes(64 << 20)); // the pipe stays open: qmig waits for the rest
            p.getOutputStream().flush();
            awaitTemporary(dir);
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertThat(kill.waitFor()).isZero();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String stderr = new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isEqualTo(code);
        assertThat(stderr.strip()).isEqualTo(said);
        assertThat(listing(dir)).isEmpty();
    }

    private static void awaitTemporary(Path dir) throws IOException, InterruptedException {
        for (int i = 0; i < 1200; i++) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.anyMatch(x -> x.getFileName().toString().endsWith(".qmig-tmp"))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no temporary output appeared in " + dir);
    }

    private static byte[] drain(InputStream s) {
        try {
            return s.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static CompletableFuture<byte[]> readAll(Path fifo) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream s = Files.newInputStream(fifo)) {
                return s.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static Path mkfifo(Path p) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("mkfifo", p.toString()).start().waitFor()).isZero();
        return p;
    }

    private static boolean isFifo(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0010000;
    }

    private static java.util.List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
