package io.github.qmig.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every committed fixture loads into QEMU and reproduces its sidecar's RAM hashes. Fixtures whose
 * load binary is missing are skipped (failed under {@code qmig.requireQemu=true}, except QEMU 7.2,
 * which is optional unless {@code qmig.requireQemu72=true}).
 */
class FixtureFilesTest {

    static Stream<String> fixtures() {
        return Fixtures.list().stream().map(Fixture::name);
    }

    @Test
    void everyFixtureHasAConsistentSidecar() {
        List<Fixture> all = Fixtures.list();
        assumeTrue(!all.isEmpty(), "no fixtures in testdata/");
        for (Fixture f : all) {
            FixtureMetadata m = f.metadata();
            assertThat(m.name()).isEqualTo(f.name());
            assertThat(m.ramRanges()).as(f.name()).isNotEmpty();
            assertThat(m.fileSha256()).as(f.name()).hasSize(64);
            assertThat(m.queryMigrate().path("status").asText()).as(f.name()).isEqualTo("completed");
            assertThat(m.loadVerified()).as(f.name() + " " + m.notes()).isTrue();
        }
    }

    @ParameterizedTest(allowZeroInvocations = true)
    @MethodSource("fixtures")
    void loadsAndMatchesSidecar(String name) throws IOException {
        Fixture f = Fixtures.get(name);
        FixtureMetadata m = f.metadata();
        String bin = m.loadBinary();
        if (bin.equals(Qemu.qemu72()) && !Boolean.getBoolean("qmig.requireQemu72")) {
            assumeTrue(Qemu.find(bin).isPresent(), "QEMU 7.2 not installed");
        }
        assumeTrue(Qemu.available(bin));
        Path raw = f.decompressToTemp();
        try {
            assertThat(Files.size(raw)).isEqualTo(m.fileSize());
            assertThat(FixtureLoader.loadAndHash(m, raw)).isEqualTo(m.ramRanges());
        } finally {
            Files.deleteIfExists(raw);
        }
    }
}
