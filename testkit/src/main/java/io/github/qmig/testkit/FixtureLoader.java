package io.github.qmig.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Loads a migration file into a fresh QEMU configured like a fixture and hashes the resulting
 * guest RAM. This is the check behind every fixture, and what interop tests run on files that qmig
 * wrote or converted:
 *
 * <pre>{@code
 * FixtureMetadata meta = Fixtures.get("x86-pc-128M-mapped-ram").metadata();
 * List<RamRange> got = FixtureLoader.loadAndHash(meta, convertedStream,
 *         LoadOptions.defaults().withMappedRam(false));
 * assertThat(got).isEqualTo(meta.ramRanges());
 * }</pre>
 *
 * <p>The destination is started with the fixture's load binary, load machine, memory and args
 * plus {@code -S -incoming defer}, gets the fixture's load capabilities/parameters (adjusted by
 * {@link LoadOptions}), then {@code migrate-incoming} with {@code file:PATH[,offset=N]} (or {@code
 * exec:cat PATH} for QEMU 7.2) and waits for completion.
 */
public final class FixtureLoader {
    private FixtureLoader() {}

    /** Decompresses a fixture to a temporary file, loads it as recorded and returns the RAM hashes. */
    public static List<RamRange> loadAndHash(Fixture fixture) throws IOException {
        Path tmp = fixture.decompressToTemp();
        try {
            return loadAndHash(fixture.metadata(), tmp, LoadOptions.defaults());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Loads {@code file} into a QEMU configured like {@code meta} and returns the RAM hashes. */
    public static List<RamRange> loadAndHash(FixtureMetadata meta, Path file) {
        return load(meta, file, LoadOptions.defaults()).ramRanges();
    }

    /** Like {@link #loadAndHash(FixtureMetadata, Path)} with overrides. */
    public static List<RamRange> loadAndHash(FixtureMetadata meta, Path file, LoadOptions options) {
        return load(meta, file, options).ramRanges();
    }

    /**
     * Loads {@code file} into a fresh QEMU configured like {@code meta} (with {@code options}),
     * hashes its RAM and shuts it down.
     *
     * @throws QmpException if QEMU refuses the file (message includes QEMU's stderr)
     */
    public static LoadResult load(FixtureMetadata meta, Path file, LoadOptions options) {
        LoadOptions o = options == null ? LoadOptions.defaults() : options;
        String binary = firstNonNull(o.binary(), meta.loadBinary(), meta.qemuBinary(), Qemu.DEFAULT_BINARY);
        String machine = firstNonNull(o.machine(), meta.loadMachine(), meta.machine());
        long offset = o.offset() != null ? o.offset() : meta.uriOffset();
        Duration timeout = o.timeout() != null ? o.timeout() : QemuVm.MIGRATION_TIMEOUT;

        Map<String, Boolean> caps = new LinkedHashMap<>(meta.loadCapabilities());
        Map<String, Object> params = new LinkedHashMap<>(o.dropParameters() ? Map.of() : meta.loadParameters());
        if (o.mappedRam() != null) {
            if (o.mappedRam()) {
                caps.put("mapped-ram", true);
            } else {
                caps.remove("mapped-ram");
                caps.remove("multifd"); // file: allows multifd only with mapped-ram
                params.remove("multifd-channels");
            }
        }
        if (o.extraCapabilities() != null) {
            caps.putAll(o.extraCapabilities());
        }
        caps.values().removeIf(v -> !v);

        Path work;
        try {
            work = Files.createTempDirectory("qmig-load");
            createDisks(meta.disks(), work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        QemuVm.Builder b = QemuVm.builder()
                .binary(binary)
                .machine(machine)
                .memory(meta.memory())
                .args(resolveArgs(meta.args(), Fixtures.testdataDir(), work))
                .incomingDefer(true)
                .workDir(work);
        if (usesGuest(meta.args())) {
            TestGuest.build();
        }
        try (QemuVm vm = b.start()) {
            vm.setCapabilities(caps);
            vm.setParameters(params);
            String scheme = o.uriScheme() != null ? o.uriScheme() : meta.loadUri();
            String uri = "exec".equals(scheme) ? execUri(file, offset) : QemuVm.fileUri(file, offset);
            JsonNode q = vm.migrateIncoming(uri, timeout);
            List<RamRange> ranges = GuestRam.snapshot(vm);
            return new LoadResult(ranges, q, vm.commandLine(), vm.stderr());
        }
    }

    /** {@code exec:} URI that replays a file from an offset (for QEMU without {@code file:}). */
    public static String execUri(Path file, long offset) {
        String quoted = "'" + file.toAbsolutePath().toString().replace("'", "'\\''") + "'";
        return offset == 0 ? "exec:cat " + quoted : "exec:tail -c +" + (offset + 1) + " " + quoted;
    }

    /** Substitutes {@code ${testdata}} and {@code ${work}} in fixture arguments. */
    public static List<String> resolveArgs(List<String> args, Path testdata, Path work) {
        List<String> out = new ArrayList<>(args.size());
        for (String a : args) {
            out.add(a.replace("${testdata}", testdata.toString()).replace("${work}", work.toString()));
        }
        return out;
    }

    /** Creates empty qcow2 images {@code name -> size} in {@code dir} with {@code qemu-img}. */
    public static void createDisks(Map<String, String> disks, Path dir) throws IOException {
        for (Map.Entry<String, String> d : disks.entrySet()) {
            Path img = dir.resolve(d.getKey());
            List<String> cmd = List.of(Qemu.resolve("qemu-img"), "create", "-q", "-f", "qcow2", img.toString(),
                    d.getValue());
            Path log = dir.resolve("qemu-img.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IOException("qemu-img failed: " + Files.readString(log, StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private static boolean usesGuest(List<String> args) {
        return args.stream().anyMatch(a -> a.contains("${testdata}/guest/build/"));
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
