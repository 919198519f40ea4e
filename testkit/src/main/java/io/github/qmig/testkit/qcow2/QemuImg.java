package io.github.qmig.testkit.qcow2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code qemu-img} (from PATH) with {@code TZ=UTC}, so that the DATE column of {@code
 * qemu-img snapshot -l}, which QEMU prints in local time, is reproducible.
 */
public final class QemuImg {
    /** The time zone every {@code qemu-img} here runs in. */
    public static final String TZ = "UTC";

    private QemuImg() {}

    /** The output of a finished {@code qemu-img} run. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        /** Whether it exited with status 0. */
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code qemu-img ARGS...} and fails unless it exits with status 0. */
    public static Result run(String... args) throws IOException {
        return runIn(null, args);
    }

    /** Like {@link #run} in working directory {@code dir} (null: this process's). */
    public static Result runIn(Path dir, String... args) throws IOException {
        Result r = tryRunIn(dir, args);
        if (!r.ok()) {
            throw new IOException(String.join(" ", r.argv()) + " failed (" + r.exitCode() + "): " + r.stderr().strip());
        }
        return r;
    }

    /** Runs {@code qemu-img ARGS...} and returns whatever it did. */
    public static Result tryRun(String... args) throws IOException {
        return tryRunIn(null, args);
    }

    /**
     * Like {@link #tryRun} in working directory {@code dir} (null: this process's); a relative
     * {@code data_file} given to {@code qemu-img create} is created there.
     */
    public static Result tryRunIn(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("qemu-img");
        argv.addAll(List.of(args));
        Path out = Files.createTempFile("qmig-qemu-img", ".out");
        Path err = Files.createTempFile("qmig-qemu-img", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().put("TZ", TZ);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " timed out");
            }
            return new Result(List.copyOf(argv), p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
