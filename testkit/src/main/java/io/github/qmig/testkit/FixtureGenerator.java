package io.github.qmig.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdOutputStream;
import io.github.qmig.testkit.FixtureSpec.Mode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Generates the fixtures of {@link FixtureCatalog} into {@code testdata/}.
 *
 * <p>For each fixture: a fresh QEMU saves the guest, the paused source's RAM is hashed ({@link
 * GuestRam}), the file is loaded back into another fresh QEMU ({@link FixtureLoader}) and its RAM
 * compared, then the file is compressed to {@code <name>.mig.zst} (zstd level 19, long window
 * 2^27) and the sidecar {@code <name>.json} is written.
 *
 * <pre>
 * FixtureGenerator [--out DIR] [--list] [--no-verify] [--keep-raw] [NAME|PREFIX* ...]
 * </pre>
 *
 * Without names every fixture is generated. A fixture whose binary is missing is skipped with a
 * warning; the exit status is 1 if any fixture failed.
 */
public final class FixtureGenerator {
    private static final Duration GUEST_FILL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ROUNDS_TIMEOUT = Duration.ofSeconds(60);

    private final Path outDir;
    private final boolean verify;
    private final boolean keepRaw;

    /** A generator writing into {@code outDir}. */
    public FixtureGenerator(Path outDir, boolean verify, boolean keepRaw) {
        this.outDir = outDir;
        this.verify = verify;
        this.keepRaw = keepRaw;
    }

    /** Command-line entry point. */
    public static void main(String[] argv) throws Exception {
        Path out = null;
        boolean verify = true;
        boolean keepRaw = false;
        boolean list = false;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--out" -> out = Path.of(argv[++i]);
                case "--no-verify" -> verify = false;
                case "--keep-raw" -> keepRaw = true;
                case "--list" -> list = true;
                case "-h", "--help" -> {
                    System.out.println("usage: FixtureGenerator [--out DIR] [--list] [--no-verify] [--keep-raw]"
                            + " [NAME|PREFIX* ...]");
                    return;
                }
                default -> names.addAll(List.of(argv[i].split("[,\\s]+")));
            }
        }
        names.removeIf(String::isBlank);
        List<FixtureSpec> specs = select(FixtureCatalog.all(), names);
        if (list) {
            specs.forEach(s -> System.out.println(s.name() + "\t" + s.description()));
            return;
        }
        FixtureGenerator gen = new FixtureGenerator(out != null ? out : Fixtures.testdataDir(), verify, keepRaw);
        int failed = 0;
        for (FixtureSpec spec : specs) {
            if (Qemu.find(spec.binary()).isEmpty()
                    || (spec.loadBinary() != null && Qemu.find(spec.loadBinary()).isEmpty())) {
                System.err.println("SKIP " + spec.name() + ": QEMU binary not found (" + spec.binary() + ")");
                continue;
            }
            long t0 = System.nanoTime();
            try {
                FixtureMetadata meta = gen.generate(spec);
                System.err.printf(Locale.ROOT, "OK   %-40s %6.1fs  raw %,d bytes%s%n", spec.name(),
                        (System.nanoTime() - t0) / 1e9, meta.fileSize(), meta.loadVerified() ? "" : "  (NOT VERIFIED)");
            } catch (Exception e) {
                failed++;
                System.err.println("FAIL " + spec.name() + ": " + e.getMessage());
                e.printStackTrace();
            }
        }
        if (failed > 0) {
            System.err.println(failed + " fixture(s) failed");
            System.exit(1);
        }
    }

    static List<FixtureSpec> select(List<FixtureSpec> all, List<String> names) {
        if (names.isEmpty()) {
            return all;
        }
        List<FixtureSpec> out = new ArrayList<>();
        for (String n : names) {
            boolean prefix = n.endsWith("*");
            String p = prefix ? n.substring(0, n.length() - 1) : n;
            List<FixtureSpec> hit = all.stream()
                    .filter(s -> prefix ? s.name().startsWith(p) : s.name().equals(p))
                    .filter(s -> !out.contains(s))
                    .toList();
            if (hit.isEmpty()) {
                throw new IllegalArgumentException("no fixture named " + n + "; try --list");
            }
            out.addAll(hit);
        }
        return out;
    }

    /**
     * Generates one fixture and returns its sidecar content. A live save that converges before it
     * iterated enough is retried (up to 6 attempts).
     */
    public FixtureMetadata generate(FixtureSpec spec) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path tmp = Files.createTempDirectory("qmig-gen-" + spec.name());
            try {
                return generate(spec, tmp);
            } catch (ConvergedTooEarly e) {
                if (attempt >= 6) {
                    throw e;
                }
                System.err.println("RETRY " + spec.name() + ": " + e.getMessage().split(":")[0]);
            } finally {
                deleteTree(tmp);
            }
        }
    }

    private FixtureMetadata generate(FixtureSpec spec, Path tmp) throws IOException {
        Path testdata = Fixtures.testdataDir();
        if (spec.args().stream().anyMatch(a -> a.contains("${testdata}/guest/"))) {
            TestGuest.build();
        }
        Path raw = tmp.resolve(spec.name() + ".mig");
        Path work = Files.createDirectories(tmp.resolve("vm"));
        FixtureLoader.createDisks(spec.disks(), work);
        List<String> notes = new ArrayList<>(spec.notes());

        JsonNode query;
        List<RamRange> ranges;
        List<String> commandLine;
        String version;
        String versionFull;
        String machineType;
        Map<String, Object> finalParams = new LinkedHashMap<>(spec.parameters());
        try (QemuVm vm = QemuVm.builder()
                .binary(spec.binary())
                .machine(spec.machine())
                .memory(spec.memory())
                .args(FixtureLoader.resolveArgs(spec.args(), testdata, work))
                .paused(spec.mode() == Mode.NEVER_STARTED)
                .workDir(work)
                .start()) {
            version = vm.qemuVersion();
            versionFull = vm.qemuVersionString();
            machineType = machineType(vm);
            if (spec.args().contains("-kernel")) {
                TestGuest.awaitFilled(vm, GUEST_FILL_TIMEOUT);
            }
            if (spec.mode() == Mode.PAUSED) {
                vm.stop();
            }
            for (Map.Entry<String, Map<String, Object>> c : spec.beforeMigrate()) {
                vm.execute(c.getKey(), c.getValue());
            }
            vm.setCapabilities(spec.capabilities());
            vm.setParameters(spec.parameters());
            if (spec.exec()) {
                vm.migrateExec("cat > '" + raw.toAbsolutePath() + "'");
            } else {
                vm.migrateToFile(raw, spec.uriOffset());
            }
            if (spec.minRounds() > 0) {
                long rounds = awaitRounds(vm, spec);
                if (spec.mode() == Mode.LIVE) {
                    long gen = TestGuest.generation(vm);
                    notes.add("Guest dirty generation when the downtime limit was raised: " + gen
                            + " (after " + rounds + " dirty-sync rounds).");
                }
                vm.setParameters(spec.finishParameters());
                finalParams.putAll(spec.finishParameters());
            }
            query = vm.awaitMigration();
            if (spec.mode() == Mode.BACKGROUND) {
                vm.stop(); // the guest is halted; stop only freezes timers for a stable hash
            }
            ranges = GuestRam.snapshot(vm);
            commandLine = unresolve(vm.commandLine(), spec.binary(), testdata, work);
        }

        Map<String, Object> loadParams = new LinkedHashMap<>(spec.loadParameters());
        FixtureMetadata meta = new FixtureMetadata(
                spec.name(),
                spec.description(),
                version,
                versionFull,
                spec.binary(),
                commandLine,
                spec.machine(),
                machineType,
                spec.memory(),
                spec.args(),
                spec.disks(),
                spec.mode().label(),
                spec.mappedRam() ? "mapped-ram" : "stream",
                spec.capabilities(),
                finalParams,
                spec.uriOffset(),
                spec.exec() ? "exec:cat > ${file}" : fileUriTemplate(spec.uriOffset()),
                spec.loadBinary() != null ? spec.loadBinary() : spec.binary(),
                spec.loadMachine() != null ? spec.loadMachine() : spec.machine(),
                spec.exec() ? "exec" : "file",
                spec.loadCapabilities(),
                loadParams,
                Files.size(raw),
                GuestRam.sha256(raw),
                query,
                ranges,
                false,
                notes);

        boolean verified = false;
        if (verify) {
            try {
                List<RamRange> loaded = FixtureLoader.loadAndHash(meta, raw);
                List<String> diffs = GuestRam.differences(ranges, loaded);
                if (diffs.isEmpty()) {
                    verified = true;
                } else {
                    notes.add("LOAD CHECK FAILED: RAM differs after loading: " + diffs);
                }
            } catch (QmpException e) {
                notes.add("LOAD CHECK FAILED: QEMU could not load the file: " + firstLine(e.getMessage()));
                System.err.println(e.getMessage());
            }
        } else {
            notes.add("Load check not run (--no-verify).");
        }
        meta = withVerification(meta, verified, notes);

        Files.createDirectories(outDir);
        Path zst = outDir.resolve(spec.name() + Fixtures.SUFFIX);
        compress(raw, zst);
        Fixtures.writeMetadata(meta, outDir.resolve(spec.name() + ".json"));
        if (keepRaw) {
            Files.move(raw, outDir.resolve(spec.name() + ".mig"), StandardCopyOption.REPLACE_EXISTING);
        }
        return meta;
    }

    private static FixtureMetadata withVerification(FixtureMetadata m, boolean verified, List<String> notes) {
        return new FixtureMetadata(m.name(), m.description(), m.qemuVersion(), m.qemuVersionFull(), m.qemuBinary(),
                m.commandLine(), m.machine(), m.machineType(), m.memory(), m.args(), m.disks(), m.mode(), m.format(),
                m.capabilities(), m.parameters(), m.uriOffset(), m.saveUri(), m.loadBinary(), m.loadMachine(),
                m.loadUri(), m.loadCapabilities(), m.loadParameters(), m.fileSize(), m.fileSha256(), m.queryMigrate(),
                m.ramRanges(), verified, notes);
    }

    /**
     * Waits until the live migration has run {@code spec.minRounds()} dirty-sync rounds and reached
     * every {@code spec.minCounters()}; returns the rounds.
     *
     * @throws ConvergedTooEarly if QEMU finished before that (the fixture would lack what it is for)
     */
    private static long awaitRounds(QemuVm vm, FixtureSpec spec) {
        long deadline = Qmp.deadline(ROUNDS_TIMEOUT);
        while (true) {
            JsonNode q = vm.queryMigrate();
            String status = q.path("status").asText();
            long rounds = q.path("ram").path("dirty-sync-count").asLong();
            boolean countersReached = spec.minCounters().entrySet().stream()
                    .allMatch(e -> q.at(e.getKey()).asLong(0) >= e.getValue());
            if (rounds >= spec.minRounds() && countersReached) {
                return rounds; // also fine if QEMU already completed on its own
            }
            if ("completed".equals(status)) {
                throw new ConvergedTooEarly("migration completed after " + rounds + " rounds, before reaching "
                        + spec.minRounds() + " rounds and " + spec.minCounters() + ": " + q);
            }
            if ("failed".equals(status) || "cancelled".equals(status)) {
                throw new QmpException(vm.failureMessage("migration " + status + ": " + q.path("error-desc").asText()));
            }
            if (System.nanoTime() > deadline) {
                throw new QmpException(vm.failureMessage("only " + rounds + " rounds after " + ROUNDS_TIMEOUT
                        + "; last query-migrate: " + q));
            }
            Qmp.sleep(20);
        }
    }

    /** A live save finished before it iterated enough; generation is retried. */
    static final class ConvergedTooEarly extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConvergedTooEarly(String message) {
            super(message);
        }
    }

    private static String machineType(QemuVm vm) {
        try {
            String t = vm.execute("qom-get", Map.of("path", "/machine", "property", "type")).asText();
            return t.endsWith("-machine") ? t.substring(0, t.length() - "-machine".length()) : t;
        } catch (QmpException e) {
            return null;
        }
    }

    private static String fileUriTemplate(long offset) {
        return "file:${file}" + (offset != 0 ? ",offset=0x" + Long.toHexString(offset) : "");
    }

    /** Replaces concrete paths in an argv by the sidecar placeholders. */
    static List<String> unresolve(List<String> argv, String binary, Path testdata, Path work) {
        List<String> out = new ArrayList<>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            String a = i == 0 ? binary : argv.get(i);
            out.add(a.replace(work.toString(), "${work}").replace(testdata.toString(), "${testdata}"));
        }
        return out;
    }

    /** Compresses with zstd level 19, long-distance matching (window 2^27), checksum. */
    static void compress(Path raw, Path zst) throws IOException {
        Path tmp = zst.resolveSibling(zst.getFileName() + ".tmp");
        try (InputStream in = Files.newInputStream(raw);
                OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                ZstdOutputStream z = new ZstdOutputStream(fileOut, 19)) {
            z.setLong(27);
            z.setChecksum(true);
            z.setWorkers(2);
            in.transferTo(z);
        }
        Files.move(tmp, zst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
