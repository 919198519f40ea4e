package io.github.qmig.testkit.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.series.SeriesMetadata.BlockDiff;
import io.github.qmig.testkit.series.SeriesMetadata.Pair;
import io.github.qmig.testkit.series.SeriesMetadata.Save;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * testdata/series/ is consistent without QEMU: every save named in series.json is a fixture whose
 * file hash matches its sidecar, and the changed pages recorded for every pair (from QEMU's memory
 * dumps) are what the two files themselves say.
 */
class SeriesFixtureTest {

    private static Path dir() {
        return Fixtures.testdataDir().resolve("series");
    }

    @Test
    void runsCoalesceOnlyWhenContiguousInBothAddressSpaces() {
        Diffs.Runs r = new Diffs.Runs();
        r.add(0x1000, 0x1000, 4096, 4096);
        r.add(0x2000, 0x2000, 4096, 4096);
        r.add(0x4000, 0x4000, 4096, 4096);
        r.add(0x5000, 0x9000, 4096, 4096);
        assertThat(r.pages).isEqualTo(4);
        assertThat(r.gpa).containsExactly(new long[] {0x1000, 0x2000}, new long[] {0x4000, 0x1000},
                new long[] {0x5000, 0x1000});
    }

    @Test
    void pairsMatchTheFiles() throws IOException {
        Path json = dir().resolve("series.json");
        assumeTrue(Files.isRegularFile(json), "no testdata/series/series.json");
        SeriesMetadata m = SeriesMetadata.read(json);
        assertThat(m.saves()).hasSizeGreaterThanOrEqualTo(6);
        List<SaveFile> files = new ArrayList<>();
        for (Save s : m.saves()) {
            Fixture f = Fixtures.list(dir()).stream().filter(x -> x.name().equals(s.fixture())).findFirst().orElseThrow();
            FixtureMetadata fm = f.metadata();
            assertThat(fm.loadVerified()).as(s.fixture()).isTrue();
            assertThat(s.fileMatchesPmemsave()).as(s.fixture()).isTrue();
            Path raw = f.decompressToTemp();
            try {
                assertThat(Files.size(raw)).isEqualTo(fm.fileSize());
                files.add(SaveFile.read(raw));
            } finally {
                Files.deleteIfExists(raw);
            }
        }
        for (Pair p : m.pairs()) {
            long sum = 0;
            for (BlockDiff d : p.blocks()) {
                long fromFiles = Diffs.fileDiff(files.get(p.a()), files.get(p.b()), d.block());
                assertThat(fromFiles).as("pair %d-%d %s", p.a(), p.b(), d.block()).isEqualTo(d.changedPages());
                long inRanges = d.blockRanges().stream().mapToLong(r -> r[1]).sum() / m.pageSize();
                assertThat(inRanges).as("pair %d-%d %s ranges", p.a(), p.b(), d.block()).isEqualTo(d.changedPages());
                assertThat(d.toZeroPages()).isBetween(0L, d.changedPages());
                sum += d.changedPages();
            }
            assertThat(sum).isEqualTo(p.changedPages());
            assertThat(p.changedPages()).as("pair %d-%d", p.a(), p.b()).isPositive();
            List<String> unchanged = new ArrayList<>();
            assertThat(Diffs.deviceDiff(files.get(p.a()), files.get(p.b()), unchanged)).isEqualTo(p.devices());
        }
        assertThat(m.pair(0, 1)).isPresent();
        assertThat(m.saves().get(0).format()).isEqualTo("stream");
    }
}
