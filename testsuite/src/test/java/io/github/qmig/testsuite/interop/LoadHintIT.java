package io.github.qmig.testsuite.interop;

import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.info.InfoReport;
import io.github.qmig.inspect.info.LoadHint;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.FixtureLoader;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.LoadOptions;
import io.github.qmig.testkit.Qemu;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code info}'s "Load with" line, followed to the letter, loads the file into QEMU 10 with the source's RAM. */
class LoadHintIT {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"x86-pc-128M-paused", "x86-q35-128M-paused", "x86-pc-128M-mapped-ram",
        "x86-pc72-128M-qemu72"})
    void theHintLoads(String name) throws IOException {
        assumeTrue(Qemu.available(Qemu.DEFAULT_BINARY), Qemu.DEFAULT_BINARY + " not installed");
        Fixture f = Fixtures.get(name);
        FixtureMetadata m = f.metadata();
        Path file = f.decompressTo(tmp.resolve("f.mig"));
        LoadHint hint;
        try (MigrationInput in = MigrationInput.open(file, 0)) {
            hint = LoadHint.of(InfoReport.of(in).summary(), in);
        }
        assertThat(hint.uri()).isEqualTo("file:" + file);
        LoadOptions how = LoadOptions.defaults().withBinary(Qemu.DEFAULT_BINARY).withMachine(hint.machine())
                .withMappedRam(hint.capabilities().contains("mapped-ram")).withUriScheme("file").withOffset(0);
        assertThat(FixtureLoader.loadAndHash(m, file, how)).isEqualTo(m.ramRanges());
    }
}
