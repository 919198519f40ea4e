package io.github.qmig.testkit.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.GuestRam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed qcow2 fixtures decompress to their recorded images and have complete sidecars. */
class Qcow2FixtureFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> sidecars() throws IOException {
        Path dir = Fixtures.testdataDir().resolve("qcow2");
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
            return all.stream();
        }
    }

    @ParameterizedTest(allowZeroInvocations = true)
    @MethodSource("sidecars")
    void imageMatchesSidecar(Path sidecar) throws IOException {
        JsonNode m = JSON.readTree(sidecar.toFile());
        Path zst = sidecar.resolveSibling(m.path("image").path("file").asText());
        assumeTrue(Files.isRegularFile(zst), "missing " + zst);
        Path raw = Files.createTempFile("qmig-qcow2-", ".qcow2");
        try {
            Fixtures.decompress(zst, raw);
            assertThat(Files.size(raw)).isEqualTo(m.path("image").path("file_size").asLong());
            assertThat(GuestRam.sha256(raw)).isEqualTo(m.path("image").path("file_sha256").asText());
        } finally {
            Files.deleteIfExists(raw);
        }
        for (JsonNode sn : m.path("snapshots")) {
            if (sn.path("vm_state_size").asLong() > 0 && !sn.has("loadvm_skipped")) {
                assertThat(sn.path("loadvm").path("ram_ranges").size())
                        .as(sidecar.getFileName() + " snapshot " + sn.path("id").asText())
                        .isPositive();
            }
        }
    }
}
