package io.github.qmig.testsuite;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.dump.AnalyzeMigrationRenderer;
import io.github.qmig.inspect.dump.DumpCollector;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.transform.convert.StreamConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A converted file's VMDESCRIPTION describes its CONFIGURATION record as QEMU would: converting
 * QEMU's plain save of a pc guest gives exactly the configuration description of QEMU's own
 * mapped-ram save of the same machine, and back; tools that decode with the JSON can read the result.
 */
class ConvertedDescriptionTest {

    @TempDir
    Path tmp;

    private static String configurationOf(Path file) throws IOException {
        try (MigrationReader r = MigrationReader.open(file, RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof VmDescription v) {
                    String t = v.text();
                    return t.substring(0, t.indexOf(", \"page_size\""));
                }
            }
        }
        throw new AssertionError("no VMDESCRIPTION in " + file);
    }

    @Test
    void toMappedRamDescribesTheCapabilityAsQemuDoes() throws IOException {
        Path plain = Fixtures.get("x86-pc-128M-paused").decompressTo(tmp.resolve("plain.mig"));
        Path qemuMapped = Fixtures.get("x86-pc-128M-mapped-ram").decompressTo(tmp.resolve("qemu-mapped.mig"));
        Path ours = tmp.resolve("ours.mig");
        try (MigrationInput in = MigrationInput.open(plain, 0)) {
            StreamConverter.toMappedRam(in, ours, 0);
        }
        assertThat(configurationOf(ours)).isEqualTo(configurationOf(qemuMapped)).contains("configuration/capabilities");

        Path back = tmp.resolve("back.mig");
        try (MigrationInput in = MigrationInput.open(qemuMapped, 0)) {
            StreamConverter.toStream(in, back, 0);
        }
        assertThat(configurationOf(back)).isEqualTo(configurationOf(plain)).doesNotContain("capabilities");
        for (Path p : new Path[] {ours, back}) {
            try (MigrationInput in = MigrationInput.open(p, 0)) {
                assertThat(AnalyzeMigrationRenderer.state(DumpCollector.read(in, ReadLimits.defaults())))
                        .contains("\"globalstate (").doesNotContain("decode_error");
            }
        }
    }
}
