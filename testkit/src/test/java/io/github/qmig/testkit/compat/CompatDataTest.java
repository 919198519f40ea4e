package io.github.qmig.testkit.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.FixtureSpec;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.Qemu;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code testdata/compat/} is complete and matches {@link CompatCatalog}; a few matrix rows are
 * replayed against the installed QEMU and must still get the recorded verdict and error.
 */
class CompatDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path compat() {
        return Fixtures.testdataDir().resolve("compat");
    }

    private static JsonNode matrix() throws IOException {
        return JSON.readTree(compat().resolve("matrix.json").toFile());
    }

    private static JsonNode zjson(Path p) throws IOException {
        try (InputStream in = Fixtures.openDecompressed(p)) {
            return JSON.readTree(in);
        }
    }

    @Test
    void matrixRowsAreTheCatalogsAndReferToExistingFilesAndProbes() throws IOException {
        JsonNode rows = matrix().path("rows");
        JsonNode probes = zjson(compat().resolve("probes.json.zst")).path("probes");
        List<CompatCase> cases = CompatCatalog.cases();
        assertThat(rows.size()).isEqualTo(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            CompatCase c = cases.get(i);
            JsonNode r = rows.get(i);
            assertThat(r.path("id").asText()).isEqualTo(c.id());
            assertThat(JSON.treeToValue(r.path("target"), CompatTarget.class)).as(c.id()).isEqualTo(c.target());
            assertThat(r.path("probe").asText()).isEqualTo(TargetProbe.key(c.target()));
            assertThat(probes.has(r.path("probe").asText())).as(c.id()).isTrue();
            Path zst = Fixtures.testdataDir().resolve(c.file());
            assertThat(zst).exists();
            assertThat(zst.resolveSibling(zst.getFileName().toString().replace(Fixtures.SUFFIX, ".json"))).exists();
            assertThat(r.path("result").path("verdict").asText()).isNotEmpty();
        }
        assertThat(cases.stream().map(CompatCase::id).distinct().count()).isEqualTo(cases.size());
    }

    @Test
    void savesAreVerifiedFixtures() {
        for (FixtureSpec s : CompatCatalog.saves()) {
            Path sidecar = compat().resolve(s.name() + ".json");
            assertThat(compat().resolve(s.name() + Fixtures.SUFFIX)).exists();
            FixtureMetadata m = Fixtures.readMetadata(sidecar);
            assertThat(m.loadVerified()).as(s.name()).isTrue();
        }
    }

    @Test
    void schemasNameTheirMachineType() throws IOException {
        JsonNode versions = matrix().path("qemu_versions");
        List<String> dirs = new ArrayList<>();
        versions.fields().forEachRemaining(e -> dirs.add("qemu-" + e.getValue().asText()));
        assertThat(dirs).hasSize(2);
        checkSchemas(compat().resolve("schemas").resolve(dirs.get(0)), CompatCatalog.Q10_SCHEMAS);
        checkSchemas(compat().resolve("schemas").resolve(dirs.get(1)), CompatCatalog.Q72_SCHEMAS);
    }

    private static void checkSchemas(Path dir, List<String> machines) throws IOException {
        assertThat(dir.resolve("machines.txt")).exists();
        assertThat(Files.readString(dir.resolve("version.txt"))).startsWith("QEMU emulator version");
        for (String m : machines) {
            JsonNode d = zjson(dir.resolve(m + ".vmstate.json.zst"));
            assertThat(d.path("vmschkmachine").path("Name").asText()).isEqualTo(m);
            assertThat(d.size()).isGreaterThan(100);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pc100>q10-pc100-256M", "virtio>q10-no-net", "virtio>q10-no-rng", "pc72dev>q72",
        "timadj>q72", "ltim>q72", "noconfig>q10-pc100"})
    void replayedRowGetsTheRecordedVerdict(String id) throws IOException {
        JsonNode row = null;
        for (JsonNode r : matrix().path("rows")) {
            if (r.path("id").asText().equals(id)) {
                row = r;
            }
        }
        assertThat(row).as(id).isNotNull();
        CompatTarget t = JSON.treeToValue(row.path("target"), CompatTarget.class);
        if (t.binary().equals(Qemu.qemu72()) && !Boolean.getBoolean("qmig.requireQemu72")) {
            assumeTrue(Qemu.find(t.binary()).isPresent(), "QEMU 7.2 not installed");
        }
        assumeTrue(Qemu.available(t.binary()));
        Path zst = Fixtures.testdataDir().resolve(row.path("file").asText());
        FixtureMetadata meta = Fixtures.readMetadata(
                zst.resolveSibling(zst.getFileName().toString().replace(Fixtures.SUFFIX, ".json")));
        Path raw = Fixtures.decompressToTemp(zst);
        try {
            LoadOutcome o = new TargetLoader(Fixtures.testdataDir()).load(t, raw, meta.ramRanges());
            JsonNode rec = row.path("result");
            assertThat(o.verdict()).isEqualTo(rec.path("verdict").asText());
            assertThat(o.error()).isEqualTo(rec.path("error").isNull() || rec.path("error").isMissingNode()
                    ? null : rec.path("error").asText());
        } finally {
            Files.deleteIfExists(raw);
        }
    }
}
