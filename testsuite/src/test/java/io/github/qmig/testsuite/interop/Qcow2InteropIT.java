package io.github.qmig.testsuite.interop;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.RamRange;
import io.github.qmig.testkit.qcow2.Qcow2Fixture;
import io.github.qmig.transform.convert.StreamConverter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real QEMU is the oracle: every internal snapshot with VM state in testdata/qcow2 (HMP savevm and
 * QMP snapshot-save, QEMU 10 and 7.2, every cluster size and L2 layout) is exported by qmig to a
 * stream and to mapped-ram, each loaded into a fresh QEMU with the image's VM ({@code -incoming});
 * its guest RAM must hash as {@code -loadvm} of the same snapshot did when the fixture was made.
 * Where {@code -loadvm} itself loads another snapshot (a name equal to another's ID, sidecar
 * {@code loadvm_equals_source: false}), the export must hold the snapshot's true source RAM.
 */
class Qcow2InteropIT {

    @TempDir
    Path tmp;

    static List<Arguments> snapshots() {
        List<Arguments> out = new ArrayList<>();
        for (Qcow2Fixture f : Qcow2Fixture.list()) {
            for (JsonNode s : f.snapshots()) {
                if (s.path("vm_state_size").asLong() > 0) {
                    out.add(Arguments.of(f, s.get("id").asText(), s.get("name").asText()));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} snapshot {1} ''{2}''")
    @MethodSource("snapshots")
    void exportedStreamAndMappedRamLoadWithTheRamOfLoadvm(Qcow2Fixture f, String id, String name) throws IOException {
        assumeTrue(Qemu.available(Qemu.DEFAULT_BINARY), Qemu.DEFAULT_BINARY + " not installed");
        JsonNode s = f.snapshots().stream().filter(x -> x.get("id").asText().equals(id)).findFirst().orElseThrow();
        List<RamRange> loadvm = Qcow2Fixture.loadvmRam(s);
        List<RamRange> expected = loadvm;
        if (s.path("loadvm_equals_source").asBoolean(true) == false) {
            expected = Qcow2Fixture.expectedRam(s);
            assertThat(expected).as("QEMU's -loadvm restored another snapshot here").isNotEqualTo(loadvm);
        }
        assertThat(expected).as("RAM hashes recorded for snapshot " + id).isNotEmpty();
        Path image = f.decompressTo(tmp.resolve("image.qcow2"));
        Path stream = tmp.resolve("stream.mig");
        Path mapped = tmp.resolve("mapped.mig");
        try (MigrationInput in = MigrationInput.open(image, 0, ReadLimits.defaults(), id)) {
            assertThat(in.qcow2().snapshot().name()).isEqualTo(name);
            StreamConverter.toStream(in, stream, 0);
        }
        try (MigrationInput in = MigrationInput.open(image.toString() + "@" + id, 0, ReadLimits.defaults())) {
            StreamConverter.toMappedRam(in, mapped, 0);
        }
        String machine = f.savedBy72() ? f.machineType() : f.metadata().at("/source_vm/machine").asText();
        assertThat(f.load(stream, false, image, tmp.resolve("load-stream"), Qemu.DEFAULT_BINARY, machine))
                .as("stream of snapshot %s into QEMU 10", id).isEqualTo(expected);
        assertThat(f.load(mapped, true, image, tmp.resolve("load-mapped"), Qemu.DEFAULT_BINARY, machine))
                .as("mapped-ram of snapshot %s into QEMU 10", id).isEqualTo(expected);
        if (f.savedBy72() && Qemu.available(Qemu.qemu72())) {
            assertThat(f.load(stream, false, image, tmp.resolve("load-72"), Qemu.qemu72(), machine))
                    .as("stream of snapshot %s into QEMU 7.2", id).isEqualTo(expected);
        }
    }
}
