package io.github.qmig.testsuite.interop;

import io.github.qmig.input.MigrationInput;
import io.github.qmig.testkit.FixtureCatalog;
import io.github.qmig.testkit.FixtureGenerator;
import io.github.qmig.testkit.FixtureLoader;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.FixtureSpec;
import io.github.qmig.testkit.LoadOptions;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.RamRange;
import io.github.qmig.transform.convert.StreamConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole loop in one test, on a save made now: a live QEMU guest that keeps dirtying memory is
 * saved with xbzrle over QMP, qmig converts the file to mapped-ram and back, and fresh QEMUs load
 * both with the source guest's RAM.
 */
class LiveSaveInteropIT {

    @TempDir
    Path tmp;

    @Test
    void liveXbzrleSaveConvertsBothWaysAndLoads() throws IOException {
        assumeTrue(Qemu.available(), "QEMU not installed");
        // No minimum of rounds or XBZRLE records here: under TCG QEMU sometimes switches over early,
        // and the fixtures already pin multi-round and XBZRLE conversion down exactly. This test is
        // about the loop: a running guest saved now, converted, loaded.
        FixtureSpec spec = FixtureCatalog.live("live-now", 1).capability("xbzrle", false)
                .parameter("xbzrle-cache-size", 16L << 20).build();
        FixtureMetadata m = new FixtureGenerator(tmp, false, true).generate(spec);
        Path saved = tmp.resolve(spec.name() + ".mig");
        assertThat(saved).exists();
        assertThat(m.counter("/ram/dirty-sync-count")).as("iterations of the live save").isGreaterThanOrEqualTo(1);
        List<RamRange> source = m.ramRanges();
        assertThat(source).isNotEmpty();

        Path mapped = tmp.resolve("mapped.mig");
        try (MigrationInput in = MigrationInput.open(saved, 0)) {
            StreamConverter.toMappedRam(in, mapped, 0);
        }
        assertThat(FixtureLoader.loadAndHash(m, mapped, LoadOptions.defaults().withMappedRam(true))).isEqualTo(source);

        Path stream = tmp.resolve("stream.mig");
        try (MigrationInput in = MigrationInput.open(mapped, 0)) {
            StreamConverter.toStream(in, stream, 0);
        }
        assertThat(FixtureLoader.loadAndHash(m, stream, LoadOptions.defaults().withMappedRam(false))).isEqualTo(source);
    }
}
