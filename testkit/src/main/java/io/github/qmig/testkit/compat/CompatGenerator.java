package io.github.qmig.testkit.compat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.qmig.testkit.FixtureGenerator;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.FixtureSpec;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.Qemu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Regenerates {@code testdata/compat/}: the targets' vmstate descriptions, the saves, and the
 * matrix of what real QEMU does when each file is loaded into each target.
 *
 * <pre>
 * CompatGenerator [--out DIR] [--skip-schemas] [--skip-saves] [--skip-matrix] [--no-verify] [ROW-ID-PREFIX ...]
 * </pre>
 *
 * With row-id prefixes only those rows are rerun and replaced in an existing {@code matrix.json}.
 */
public final class CompatGenerator {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CompatGenerator() {}

    /** One matrix row as written to {@code matrix.json}. */
    @JsonPropertyOrder({"id", "file", "file_qemu_version", "file_machine_type", "target", "probe", "check",
        "description", "result"})
    record Row(
            @JsonProperty("id") String id,
            @JsonProperty("file") String file,
            @JsonProperty("file_qemu_version") String fileQemuVersion,
            @JsonProperty("file_machine_type") String fileMachineType,
            @JsonProperty("target") CompatTarget target,
            @JsonProperty("probe") String probe,
            @JsonProperty("check") String check,
            @JsonProperty("description") String description,
            @JsonProperty("result") LoadOutcome result) {}

    /** Command-line entry point. */
    public static void main(String[] argv) throws Exception {
        Path out = null;
        boolean schemas = true;
        boolean saves = true;
        boolean matrix = true;
        boolean verify = true;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--out" -> out = Path.of(argv[++i]);
                case "--skip-schemas" -> schemas = false;
                case "--skip-saves" -> saves = false;
                case "--skip-matrix" -> matrix = false;
                case "--no-verify" -> verify = false;
                case "-h", "--help" -> {
                    System.out.println("usage: CompatGenerator [--out DIR] [--skip-schemas] [--skip-saves]"
                            + " [--skip-matrix] [--no-verify] [ROW-ID-PREFIX ...]");
                    return;
                }
                default -> only.add(argv[i]);
            }
        }
        Path testdata = Fixtures.testdataDir();
        Path dir = out != null ? out : testdata.resolve("compat");
        Files.createDirectories(dir);
        if (!only.isEmpty()) {
            schemas = false;
            saves = false;
        }
        if (schemas) {
            for (String b : List.of(CompatCatalog.Q10, CompatCatalog.q72())) {
                List<String> machines = b.equals(CompatCatalog.Q10) ? CompatCatalog.Q10_SCHEMAS : CompatCatalog.Q72_SCHEMAS;
                Path d = SchemaDumper.dump(b, machines, dir.resolve("schemas"));
                System.err.println("OK   schemas " + testdata.relativize(d));
            }
        }
        if (saves) {
            FixtureGenerator gen = new FixtureGenerator(dir, verify, false);
            for (FixtureSpec spec : CompatCatalog.saves()) {
                long t0 = System.nanoTime();
                FixtureMetadata m = gen.generate(spec);
                System.err.printf(Locale.ROOT, "OK   %-40s %6.1fs  raw %,d bytes%s%n", spec.name(),
                        (System.nanoTime() - t0) / 1e9, m.fileSize(), m.loadVerified() ? "" : "  (NOT VERIFIED)");
            }
        }
        if (matrix) {
            Files.deleteIfExists(dir.resolve("probes.json"));
            writeMatrix(testdata, dir.resolve("matrix.json"), only);
            writeProbes(testdata, dir.resolve("probes.json.zst"));
        }
    }

    /** Probes every distinct target of the matrix into {@code probes.json.zst} (key: {@link TargetProbe#key}). */
    private static void writeProbes(Path testdata, Path probesFile) throws IOException {
        TargetProbe prober = new TargetProbe(testdata);
        Map<String, Object> probes = new LinkedHashMap<>();
        for (CompatCase c : CompatCatalog.cases()) {
            String key = TargetProbe.key(c.target());
            if (probes.containsKey(key)) {
                continue;
            }
            CompatTarget t = c.target();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("target", new CompatTarget(t.binary(), t.machine(), t.memory(), t.args(), Map.of()));
            entry.put("probe", prober.probe(t));
            probes.put(key, entry);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("description", "Each distinct matrix target (capabilities aside) probed without loading: started with"
                + " -S, query-version, qom-get /machine type, HMP info ramblock, then saved to a file whose head and"
                + " VMDESCRIPTION give its RAM blocks and sections. Keys are the 'probe' of matrix.json rows.");
        doc.put("probes", probes);
        Path json = Files.createTempFile("qmig-probes", ".json");
        try {
            JSON.writeValue(json.toFile(), doc);
            SchemaDumper.compress(json, probesFile);
        } finally {
            Files.deleteIfExists(json);
        }
        System.err.println(probes.size() + " targets probed");
    }

    private static void writeMatrix(Path testdata, Path matrixFile, List<String> only) throws IOException {
        Map<String, Row> previous = new LinkedHashMap<>();
        if (!only.isEmpty() && Files.exists(matrixFile)) {
            for (JsonNode r : JSON.readTree(matrixFile.toFile()).path("rows")) {
                previous.put(r.path("id").asText(), JSON.treeToValue(r, Row.class));
            }
        }
        TargetLoader loader = new TargetLoader(testdata);
        Path tmp = Files.createTempDirectory("qmig-compat-files");
        Map<String, Path> raw = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        int surprises = 0;
        try {
            for (CompatCase c : CompatCatalog.cases()) {
                boolean run = only.isEmpty() || only.stream().anyMatch(c.id()::startsWith);
                if (!run) {
                    Row old = previous.get(c.id());
                    if (old != null) {
                        rows.add(old);
                    }
                    continue;
                }
                Path zst = testdata.resolve(c.file());
                Path sidecar = zst.resolveSibling(zst.getFileName().toString().replace(Fixtures.SUFFIX, ".json"));
                FixtureMetadata meta = Fixtures.readMetadata(sidecar);
                Path file = raw.get(c.file());
                if (file == null) {
                    file = Fixtures.decompress(zst, tmp.resolve("f" + raw.size() + ".mig"));
                    raw.put(c.file(), file);
                }
                LoadOutcome o = loader.load(c.target(), file, meta.ramRanges());
                rows.add(new Row(c.id(), c.file(), meta.qemuVersion(), meta.machineType(), c.target(),
                        TargetProbe.key(c.target()), c.check(), c.description(), o));
                boolean expectOk = c.check().equals("ok");
                boolean ok = o.verdict().equals("completed") && !Boolean.FALSE.equals(o.ramMatchesSource());
                String mark = expectOk == ok ? "OK  " : "SURPRISE";
                if (expectOk != ok) {
                    surprises++;
                }
                System.err.printf(Locale.ROOT, "%s %-42s %-13s %s%n", mark, c.id(), o.verdict(),
                        o.error() == null ? "" : o.error());
            }
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put(CompatCatalog.Q10, SchemaDumper.version(CompatCatalog.Q10));
        if (Qemu.find(CompatCatalog.q72()).isPresent()) {
            versions.put(CompatCatalog.q72(), SchemaDumper.version(CompatCatalog.q72()));
        }
        doc.put("description", "What real QEMU does when each file (relative to testdata/) is loaded into each"
                + " target: started with -S -incoming defer, capabilities set, migrate-incoming (file: or exec:cat,"
                + " exit-on-error=false where supported). Regenerated by testdata/compat/regenerate.sh.");
        doc.put("qemu_versions", versions);
        doc.put("rows", rows);
        JSON.writeValue(matrixFile.toFile(), doc);
        System.err.println(rows.size() + " rows, " + surprises + " not as predicted by 'check'");
    }
}
