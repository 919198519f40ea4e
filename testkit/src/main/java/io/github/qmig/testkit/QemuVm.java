package io.github.qmig.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One QEMU process driven over QMP: start, migrate out or in, inspect, kill.
 *
 * <p>Every VM runs with {@code -nographic -nodefaults -accel tcg -display none} and a QMP socket in
 * its own temporary work directory, where QEMU's stdout and stderr are captured (the stderr tail is
 * included in every exception). {@link #close()} kills the process and deletes the directory
 * (unless the system property {@code qmig.keepVmDirs=true}).
 *
 * <pre>{@code
 * try (QemuVm vm = QemuVm.builder().machine("pc").memory("128M")
 *         .args("-kernel", guest.toString(), "-append", "fill=8").start()) {
 *     vm.stop();
 *     vm.migrateToFile(file, 0);
 *     JsonNode info = vm.awaitMigration();
 * }
 * }</pre>
 */
public final class QemuVm implements AutoCloseable {
    /** Default limit for a migration (out or in) to complete. */
    public static final Duration MIGRATION_TIMEOUT = Duration.ofSeconds(120);

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path workDir;
    private final Path stderrFile;
    private final List<String> commandLine;
    private final String binary;
    private final Qmp qmp;
    private String version;

    private QemuVm(Builder b) {
        try {
            this.workDir = b.workDir != null ? b.workDir : Files.createTempDirectory("qmig-vm");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.binary = b.binary;
        Path socket = workDir.resolve("qmp.sock");
        this.stderrFile = workDir.resolve("stderr.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Qemu.resolve(b.binary));
        cmd.addAll(List.of("-nographic", "-nodefaults", "-accel", "tcg", "-display", "none"));
        if (b.machine != null) {
            cmd.addAll(List.of("-machine", b.machine));
        }
        if (b.memory != null) {
            cmd.addAll(List.of("-m", b.memory));
        }
        cmd.addAll(b.args);
        cmd.addAll(List.of("-qmp", "unix:" + socket + ",server=on,wait=off"));
        if (b.paused || b.incomingDefer) {
            cmd.add("-S");
        }
        if (b.incomingDefer) {
            cmd.addAll(List.of("-incoming", "defer"));
        }
        this.commandLine = List.copyOf(cmd);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(workDir.resolve("stdout.txt").toFile())
                .redirectError(stderrFile.toFile());
        pb.environment().putAll(b.env);
        try {
            this.process = pb.start();
        } catch (IOException e) {
            throw new QmpException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        Qmp q = null;
        try {
            long deadline = Qmp.deadline(b.startTimeout);
            while (!Files.exists(socket)) {
                if (!process.isAlive()) {
                    throw new QmpException("QEMU exited with status " + process.exitValue() + " during start-up");
                }
                if (System.nanoTime() > deadline) {
                    throw new QmpException("QMP socket did not appear within " + b.startTimeout);
                }
                Qmp.sleep(10);
            }
            while (q == null) {
                try {
                    long left = Math.max(1, Math.min(deadline - System.nanoTime(), 2_000_000_000L));
                    q = Qmp.connect(socket, Duration.ofNanos(left));
                } catch (QmpException e) {
                    // the socket file can exist while QEMU is already exiting (bad option, ...)
                    if (!process.isAlive()) {
                        throw new QmpException("QEMU exited with status " + process.exitValue() + " during start-up");
                    }
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        } catch (RuntimeException e) {
            String msg = failureMessage("starting QEMU failed: " + e.getMessage());
            destroy();
            deleteWorkDir();
            throw new QmpException(msg, e);
        }
        this.qmp = q;
    }

    /** A new builder; the binary defaults to {@code qemu-system-x86_64} from PATH. */
    public static Builder builder() {
        return new Builder();
    }

    /** The QMP connection. */
    public Qmp qmp() {
        return qmp;
    }

    /** The full argv QEMU was started with. */
    public List<String> commandLine() {
        return commandLine;
    }

    /** The binary as given to the builder (a name looked up in PATH, or a path). */
    public String binary() {
        return binary;
    }

    /** The temporary directory of this VM (QMP socket, stdout/stderr, scratch files). */
    public Path workDir() {
        return workDir;
    }

    /** Everything QEMU wrote to stderr so far. */
    public String stderr() {
        try {
            return Files.exists(stderrFile) ? Files.readString(stderrFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read stderr: " + e.getMessage() + ")";
        }
    }

    /** Whether the QEMU process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Runs a QMP command, adding QEMU's stderr to any failure. */
    public JsonNode execute(String command, Map<String, ?> arguments) {
        return execute(command, arguments, Qmp.DEFAULT_TIMEOUT);
    }

    /** Runs a QMP command with an explicit timeout, adding QEMU's stderr to any failure. */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) {
        try {
            return qmp.execute(command, arguments, timeout);
        } catch (QmpException e) {
            throw new QmpException(failureMessage(e.getMessage()), e.errorClass(), e);
        }
    }

    /** Runs an HMP command and returns its output. */
    public String hmp(String commandLine) {
        return execute("human-monitor-command", Map.of("command-line", commandLine)).asText();
    }

    /** Pauses the guest ({@code stop}). */
    public void stop() {
        execute("stop", null);
    }

    /** Resumes the guest ({@code cont}). */
    public void cont() {
        execute("cont", null);
    }

    /** The run state from {@code query-status}, e.g. {@code running}, {@code paused}, {@code postmigrate}. */
    public String status() {
        return execute("query-status", null).path("status").asText();
    }

    /** Sets migration capabilities ({@code migrate-set-capabilities}); call before the first migrate. */
    public void setCapabilities(Map<String, Boolean> capabilities) {
        if (capabilities.isEmpty()) {
            return;
        }
        List<Map<String, Object>> list = new ArrayList<>();
        capabilities.forEach((k, v) -> list.add(Map.of("capability", k, "state", v)));
        execute("migrate-set-capabilities", Map.of("capabilities", list));
    }

    /** Sets migration parameters ({@code migrate-set-parameters}), e.g. {@code max-bandwidth}. */
    public void setParameters(Map<String, Object> parameters) {
        if (!parameters.isEmpty()) {
            execute("migrate-set-parameters", parameters);
        }
    }

    /** The current migration parameters ({@code query-migrate-parameters}). */
    public JsonNode migrationParameters() {
        return execute("query-migrate-parameters", null);
    }

    /** Starts an outgoing migration to any URI; returns at once (see {@link #awaitMigration()}). */
    public void migrate(String uri) {
        execute("migrate", Map.of("uri", uri));
    }

    /** Starts a migration to {@code file:PATH[,offset=N]} (QEMU 8.2+). */
    public void migrateToFile(Path file, long offset) {
        migrate(fileUri(file, offset));
    }

    /** Starts a migration to {@code exec:CMD} (run by {@code /bin/sh -c}); for QEMU without {@code file:}. */
    public void migrateExec(String shellCommand) {
        migrate("exec:" + shellCommand);
    }

    /** The {@code file:} URI for a path and offset (offset 0 is omitted). */
    public static String fileUri(Path file, long offset) {
        return "file:" + file.toAbsolutePath() + (offset != 0 ? ",offset=0x" + Long.toHexString(offset) : "");
    }

    /** {@code query-migrate}. */
    public JsonNode queryMigrate() {
        return execute("query-migrate", null);
    }

    /** {@link #awaitMigration(Duration)} with {@link #MIGRATION_TIMEOUT}. */
    public JsonNode awaitMigration() {
        return awaitMigration(MIGRATION_TIMEOUT);
    }

    /**
     * Polls {@code query-migrate} until the status is {@code completed}.
     *
     * @return the final {@code query-migrate} object (QEMU's counters: {@code ram.normal}, {@code
     *     ram.duplicate}, {@code xbzrle-cache}, ...)
     * @throws QmpException if the migration fails or is cancelled, QEMU dies, or the timeout passes
     */
    public JsonNode awaitMigration(Duration timeout) {
        long deadline = Qmp.deadline(timeout);
        JsonNode last = null;
        while (true) {
            if (!process.isAlive()) {
                throw new QmpException(failureMessage("QEMU exited during migration; last status " + last));
            }
            last = queryMigrate();
            String status = last.path("status").asText("none");
            switch (status) {
                case "completed":
                    return last;
                case "failed":
                case "cancelled":
                    throw new QmpException(failureMessage("migration " + status + ": "
                            + last.path("error-desc").asText("(no error-desc)")));
                default:
                    break;
            }
            if (System.nanoTime() > deadline) {
                throw new QmpException(failureMessage("migration did not complete within " + timeout
                        + "; last query-migrate: " + last));
            }
            Qmp.sleep(50);
        }
    }

    /**
     * Starts an incoming migration ({@code migrate-incoming}; the VM must have been built with
     * {@link Builder#incomingDefer(boolean)}) and waits until it completes.
     *
     * @return the final {@code query-migrate} object of the destination
     */
    public JsonNode migrateIncoming(String uri) {
        return migrateIncoming(uri, MIGRATION_TIMEOUT);
    }

    /** Like {@link #migrateIncoming(String)} with an explicit timeout. */
    public JsonNode migrateIncoming(String uri, Duration timeout) {
        execute("migrate-incoming", Map.of("uri", uri));
        return awaitMigration(timeout);
    }

    /** QEMU's version as {@code major.minor.micro} (from {@code query-version}). */
    public String qemuVersion() {
        if (version == null) {
            JsonNode q = execute("query-version", null).path("qemu");
            version = q.path("major").asInt() + "." + q.path("minor").asInt() + "." + q.path("micro").asInt();
        }
        return version;
    }

    /** QEMU's full version string including the package suffix (e.g. {@code 10.0.2 (Debian ...)}). */
    public String qemuVersionString() {
        JsonNode r = execute("query-version", null);
        String pkg = r.path("package").asText("").trim();
        return qemuVersion() + (pkg.isEmpty() ? "" : " " + pkg);
    }

    private static final Pattern XP_WORD = Pattern.compile(":\\s*0x([0-9a-fA-F]+)");

    /** Reads one 32-bit guest-physical word with HMP {@code xp /1wx ADDR}. */
    public long readPhys32(long address) {
        String out = hmp("xp /1wx 0x" + Long.toHexString(address));
        Matcher m = XP_WORD.matcher(out);
        if (!m.find()) {
            throw new QmpException(failureMessage("unexpected xp output: " + out));
        }
        return Long.parseLong(m.group(1), 16);
    }

    /** Saves {@code size} bytes of guest-physical memory at {@code address} to a file ({@code pmemsave}). */
    public void pmemsave(long address, long size, Path file) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("val", address);
        args.put("size", size);
        args.put("filename", file.toAbsolutePath().toString());
        execute("pmemsave", args, Duration.ofSeconds(120));
    }

    /** Kills QEMU (quit, then SIGKILL if needed) and deletes the work directory. */
    @Override
    public void close() {
        try {
            qmp.close();
        } finally {
            destroy();
            deleteWorkDir();
        }
    }

    String failureMessage(String message) {
        String err = stderr().strip();
        if (err.length() > 4000) {
            err = "..." + err.substring(err.length() - 4000);
        }
        return message + (err.isEmpty() ? "" : "\n--- QEMU stderr (" + binary + ") ---\n" + err);
    }

    private void destroy() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void deleteWorkDir() {
        if (Boolean.getBoolean("qmig.keepVmDirs")) {
            return;
        }
        try (Stream<Path> s = Files.walk(workDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Configures and starts a {@link QemuVm}. */
    public static final class Builder {
        private String binary = Qemu.DEFAULT_BINARY;
        private String machine;
        private String memory;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean paused;
        private boolean incomingDefer;
        private Path workDir;
        private Duration startTimeout = START_TIMEOUT;

        private Builder() {}

        /** QEMU binary: a name looked up in PATH (e.g. {@code qemu-system-aarch64}) or a path. */
        public Builder binary(String binary) {
            this.binary = Objects.requireNonNull(binary);
            return this;
        }

        /** {@code -machine} value, e.g. {@code pc}, {@code q35,suppress-vmdesc=on}, {@code virt}. */
        public Builder machine(String machine) {
            this.machine = machine;
            return this;
        }

        /** {@code -m} value, e.g. {@code 128M}. */
        public Builder memory(String memory) {
            this.memory = memory;
            return this;
        }

        /** Extra arguments, appended in order. */
        public Builder args(String... more) {
            return args(List.of(more));
        }

        /** Extra arguments, appended in order. */
        public Builder args(List<String> more) {
            args.addAll(more);
            return this;
        }

        /** An environment variable for the QEMU process. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Start with {@code -S} (CPU not started). */
        public Builder paused(boolean paused) {
            this.paused = paused;
            return this;
        }

        /** Start with {@code -S -incoming defer}, ready for {@link QemuVm#migrateIncoming(String)}. */
        public Builder incomingDefer(boolean incomingDefer) {
            this.incomingDefer = incomingDefer;
            return this;
        }

        /** Use this (existing) directory instead of a fresh temporary one; it is deleted on close. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Limit for QEMU to open its QMP socket (default 30 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Starts QEMU and connects QMP. */
        public QemuVm start() {
            return new QemuVm(this);
        }
    }
}
