package io.github.qmig.testkit.compat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.qmig.testkit.FixtureLoader;
import io.github.qmig.testkit.GuestRam;
import io.github.qmig.testkit.QemuVm;
import io.github.qmig.testkit.QmpException;
import io.github.qmig.testkit.RamRange;
import io.github.qmig.testkit.TestGuest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads a migration file into a {@link CompatTarget} and records what QEMU did, failure included.
 *
 * <p>The target is started with {@code -S -incoming defer}; its true capabilities are set; then
 * {@code migrate-incoming} with {@code file:PATH} (QEMU 8.2+) or {@code exec:cat PATH} (older), and
 * {@code exit-on-error=false} where QEMU has it (9.1+) so that a refusing QEMU stays up. QEMU's
 * stderr is the record of why: QEMU 10.0 prints the specific cause there with {@code error_report}
 * and puts only "load of migration failed: Invalid argument" into {@code error-desc}; QEMU 7.2
 * prints the same way and exits.
 */
public final class TargetLoader {
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern PROGRAM_PREFIX = Pattern.compile("^[^\\s:]*qemu[^\\s:]*: ");
    private static final String STDERR_MARKER = "--- QEMU stderr (";

    private final Path testdata;

    /** A loader resolving {@code ${testdata}} in target arguments to {@code testdata}. */
    public TargetLoader(Path testdata) {
        this.testdata = testdata;
    }

    /**
     * Loads {@code file} into {@code target}.
     *
     * @param source RAM ranges of the saving VM (from the file's sidecar) to compare after a
     *     completed load, or an empty list
     */
    public LoadOutcome load(CompatTarget target, Path file, List<RamRange> source) throws IOException {
        Path work = Files.createTempDirectory("qmig-compat");
        if (target.args().stream().anyMatch(a -> a.contains("${testdata}/guest/"))) {
            TestGuest.build();
        }
        QemuVm vm;
        try {
            vm = QemuVm.builder()
                    .binary(target.binary())
                    .machine(target.machine())
                    .memory(target.memory())
                    .args(FixtureLoader.resolveArgs(target.args(), testdata, work))
                    .incomingDefer(true)
                    .workDir(work)
                    .start();
        } catch (QmpException e) {
            return failure("start-failed", stderrOf(e.getMessage()), null, null, true);
        }
        try (vm) {
            String version;
            Map<String, Boolean> caps = new LinkedHashMap<>();
            target.capabilities().forEach((k, v) -> {
                if (v) {
                    caps.put(k, true);
                }
            });
            try {
                version = vm.qemuVersion();
                vm.setCapabilities(caps);
            } catch (QmpException e) {
                if (connectionLost(e) && exited(vm)) {
                    return failure("start-failed", lines(vm.stderr()), null, null, true);
                }
                List<String> out = lines(vm.stderr());
                return new LoadOutcome("setup-failed", firstLine(e.getMessage()), out, null, false, null, null,
                        null);
            }
            int[] v = parseVersion(version);
            boolean fileUri = v[0] > 8 || (v[0] == 8 && v[1] >= 2);
            boolean exitOnError = v[0] > 9 || (v[0] == 9 && v[1] >= 1);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("uri", fileUri ? QemuVm.fileUri(file, 0) : FixtureLoader.execUri(file, 0));
            if (exitOnError) {
                args.put("exit-on-error", false);
            }
            try {
                vm.qmp().execute("migrate-incoming", args);
            } catch (QmpException e) {
                if (connectionLost(e) && exited(vm)) {
                    return failure("failed", lines(vm.stderr()), null, null, true);
                }
                return new LoadOutcome("setup-failed", firstLine(e.getMessage()), lines(vm.stderr()), null, false,
                        null, null, null);
            }
            return await(vm, source);
        }
    }

    private LoadOutcome await(QemuVm vm, List<RamRange> source) {
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (true) {
            JsonNode q;
            try {
                q = vm.qmp().execute("query-migrate");
            } catch (QmpException e) {
                if (exited(vm)) {
                    return failure("failed", lines(vm.stderr()), null, null, true);
                }
                throw e;
            }
            String status = q.path("status").asText("none");
            if (status.equals("completed")) {
                String runState = vm.status();
                Boolean same = null;
                List<String> diffs = null;
                if (!source.isEmpty()) {
                    diffs = GuestRam.differences(source, GuestRam.snapshot(vm));
                    same = diffs.isEmpty();
                    diffs = diffs.isEmpty() ? null : diffs;
                }
                return new LoadOutcome("completed", null, lines(vm.stderr()), null, false, runState, same, diffs);
            }
            if (status.equals("failed") || status.equals("cancelled")) {
                String desc = q.path("error-desc").asText(null);
                // give stderr a moment: error_report lines are flushed before the state changes
                sleep(100);
                return failure("failed", lines(vm.stderr()), desc, null, false);
            }
            if (System.nanoTime() > deadline) {
                throw new QmpException("load did not finish within " + LOAD_TIMEOUT + ": " + q + "\n" + vm.stderr());
            }
            sleep(50);
        }
    }

    private static LoadOutcome failure(String verdict, List<String> stderr, String desc, String runState,
            boolean exited) {
        String error = stderr.stream().filter(l -> !l.startsWith("warning:")).findFirst().orElse(desc);
        return new LoadOutcome(verdict, error, stderr, desc, exited, runState, null, null);
    }

    /** Whether a QMP failure is the connection going away (rather than an error reply). */
    private static boolean connectionLost(QmpException e) {
        return e.errorClass() == null;
    }

    /** Waits up to 5 s for the process to end; true if it did. */
    private static boolean exited(QemuVm vm) {
        for (int i = 0; i < 100 && vm.isAlive(); i++) {
            sleep(50);
        }
        return !vm.isAlive();
    }

    /** The stderr part of a {@link QmpException} message from a failed start. */
    static List<String> stderrOf(String message) {
        int i = message.indexOf(STDERR_MARKER);
        if (i < 0) {
            return List.of();
        }
        int nl = message.indexOf('\n', i);
        return nl < 0 ? List.of() : lines(message.substring(nl + 1));
    }

    /** QEMU's stderr as lines without the program prefix and without the 7.2 build's module noise. */
    static List<String> lines(String stderr) {
        List<String> out = new ArrayList<>();
        for (String l : stderr.split("\n")) {
            String s = PROGRAM_PREFIX.matcher(l.strip()).replaceFirst("");
            if (s.isEmpty() || s.startsWith("failed to open module:")) {
                continue;
            }
            out.add(s);
        }
        return out;
    }

    static int[] parseVersion(String version) {
        String[] p = version.split("\\.");
        return new int[] {Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 0};
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }
}
