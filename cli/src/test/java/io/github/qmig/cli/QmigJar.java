package io.github.qmig.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The shaded jar run as users run it: {@code java -Xmx64m -jar target/qmig.jar ARGS}. */
final class QmigJar {

    record Result(int code, String out, String err) {
    }

    private QmigJar() {
    }

    /** The command line, for tests that start and signal the process themselves. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Path jar() {
        return Path.of("target", "qmig.jar").toAbsolutePath();
    }

    /** Runs to the end, standard input from {@code stdin} (if not null), standard output to {@code stdout} (if not null). */
    static Result run(File stdin, File stdout, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        if (stdin != null) {
            pb.redirectInput(stdin);
        }
        Path out = Files.createTempFile("qmig-out", ".txt");
        Path err = Files.createTempFile("qmig-err", ".txt");
        pb.redirectOutput(stdout != null ? stdout : out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("qmig did not finish: " + pb.command());
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    static Result run(File stdin, String... args) throws IOException, InterruptedException {
        return run(stdin, null, args);
    }
}
