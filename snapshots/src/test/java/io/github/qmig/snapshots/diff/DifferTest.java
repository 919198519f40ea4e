package io.github.qmig.snapshots.diff;

import io.github.qmig.codec.ReadLimits;
import io.github.qmig.snapshots.SeriesAccess;
import io.github.qmig.snapshots.diff.StateDiff.BlockDiff;
import io.github.qmig.snapshots.diff.StateDiff.DeviceChange;
import io.github.qmig.testkit.series.SeriesMetadata;
import io.github.qmig.testkit.series.SeriesMetadata.FieldChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code diff} on the series of real saves of one running guest: the changed pages and their
 * ranges are those computed from QEMU's own memory dumps at each save ({@code pmemsave}, in
 * series.json), the device fields that changed are listed, and a save re-saved as mapped-ram by
 * another QEMU has the same RAM.
 */
class DifferTest {

    @TempDir
    static Path dir;

    private static StateDiff diff(Path a, Path b) throws IOException {
        return Differ.compare(a.toString(), b.toString(), ReadLimits.defaults(), dir);
    }

    @Test
    void changedPagesAndRangesAreThoseOfQemusMemoryDumps() throws IOException {
        SeriesMetadata series = SeriesAccess.metadata();
        assertThat(series.pairs()).hasSizeGreaterThanOrEqualTo(11);
        for (SeriesMetadata.Pair pair : series.pairs()) {
            StateDiff d = diff(SeriesAccess.save(pair.a(), dir), SeriesAccess.save(pair.b(), dir));
            String what = "pair " + pair.a() + "-" + pair.b();
            assertThat(d.pagesDiffer()).as(what).isEqualTo(pair.changedPages());
            Map<String, BlockDiff> byName = d.ram().stream().collect(Collectors.toMap(BlockDiff::block, x -> x));
            for (SeriesMetadata.BlockDiff truth : pair.blocks()) {
                BlockDiff got = byName.get(truth.block());
                assertThat(got).as(what + " " + truth.block()).isNotNull();
                assertThat(got.pagesDiffer()).as(what + " " + truth.block()).isEqualTo(truth.changedPages());
                assertThat(got.ranges()).as(what + " " + truth.block() + " ranges")
                        .usingElementComparator((x, y) -> java.util.Arrays.compare(x, y))
                        .containsExactlyElementsOf(truth.blockRanges());
            }
            assertThat(d.blocksOnlyInA()).isEmpty();
            assertThat(d.blocksOnlyInB()).isEmpty();
            assertThat(d.identical()).isFalse();
        }
    }

    @Test
    void deviceFieldsThatChangedAreShownAsTheDumpsFoundThem() throws IOException {
        SeriesMetadata series = SeriesAccess.metadata();
        for (SeriesMetadata.Pair pair : series.pairs()) {
            StateDiff d = diff(SeriesAccess.save(pair.a(), dir), SeriesAccess.save(pair.b(), dir));
            String what = "pair " + pair.a() + "-" + pair.b();
            assertThat(d.devices().stream().map(x -> x.section() + "#" + x.instance()))
                    .as(what).containsExactlyInAnyOrderElementsOf(pair.devices().stream()
                            .map(x -> x.section() + "#" + x.instance()).toList());
            for (SeriesMetadata.DeviceChange truth : pair.devices()) {
                DeviceChange got = d.devices().stream().filter(x -> x.section().equals(truth.section())).findFirst()
                        .orElseThrow();
                assertThat(got.change()).isEqualTo(StateDiff.Change.CHANGED);
                assertThat(got.fields().stream().map(StateDiff.FieldChange::path))
                        .as(what + " " + truth.section()).containsExactlyElementsOf(
                                truth.fields().stream().map(FieldChange::field).toList());
                for (FieldChange f : truth.fields()) {
                    if (f.size() <= 16) {
                        StateDiff.FieldChange g = got.fields().stream().filter(x -> x.path().equals(f.field()))
                                .findFirst().orElseThrow();
                        assertThat(g.oldValue()).as(f.field()).isEqualTo(f.a());
                        assertThat(g.newValue()).as(f.field()).isEqualTo(f.b());
                    }
                }
            }
        }
        StateDiff d01 = diff(SeriesAccess.save(0, dir), SeriesAccess.save(1, dir));
        assertThat(d01.devices()).extracting(DeviceChange::section).contains("timer", "cpu");
    }

    @Test
    void theSameRamResavedAsMappedRamByAnotherQemuHasNoChangedPage() throws IOException {
        SeriesMetadata.Twin twin = SeriesAccess.metadata().twins().get(0);
        Path stream = SeriesAccess.save(twin.of(), dir);
        Path mapped = SeriesAccess.decompressed(twin.fixture(), dir);
        for (StateDiff d : List.of(diff(stream, mapped), diff(mapped, stream))) {
            assertThat(d.pagesDiffer()).isZero();
            assertThat(d.ram()).allSatisfy(b -> assertThat(b.ranges()).isEmpty());
            assertThat(d.configuration()).as("mapped-ram is a layout, not a difference").isEmpty();
            List<String> sections = new ArrayList<>();
            d.devices().forEach(x -> sections.add(x.section()));
            assertThat(sections).containsExactlyInAnyOrderElementsOf(
                    twin.devices().stream().map(SeriesMetadata.DeviceChange::section).toList());
        }
    }

    @Test
    void aSaveIsIdenticalToItselfWhateverItsForm() throws IOException {
        Path s = SeriesAccess.save(2, dir);
        StateDiff d = Differ.compare(s.toString(), SeriesAccess.fixture(SeriesAccess.metadata().saves().get(2).fixture())
                .compressed().toString(), ReadLimits.defaults(), dir);
        assertThat(d.identical()).isTrue();
        assertThat(d.ram()).hasSize(6).allSatisfy(b -> assertThat(b.pagesDiffer()).isZero());
    }
}
