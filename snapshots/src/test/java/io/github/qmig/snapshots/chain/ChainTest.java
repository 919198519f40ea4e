package io.github.qmig.snapshots.chain;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.snapshots.SeriesAccess;
import io.github.qmig.snapshots.diff.Differ;
import io.github.qmig.testkit.series.SeriesMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A chain of the series' saves: save 0 as the root, saves 1..6 pushed (from compressed files,
 * which are read as pipes are), every level restored to what its save holds, in either layout
 * and to a pipe; pop, verify, and damage found.
 */
class ChainTest {

    @TempDir
    Path tmp;

    private static final OutputOptions NO_SYNC = OutputOptions.defaults().withSync(false);

    private Chain chainOfTheSeries(Path dir) throws IOException {
        SeriesMetadata s = SeriesAccess.metadata();
        Chain c = Chain.at(dir, ReadLimits.defaults());
        c.init(SeriesAccess.fixture(s.saves().get(0).fixture()).compressed().toString(), NO_SYNC);
        for (int i = 1; i < s.saves().size(); i++) {
            SeriesMetadata.Pair pair = s.pair(i - 1, i).orElseThrow();
            Chain.Pushed p = c.push(SeriesAccess.fixture(s.saves().get(i).fixture()).compressed().toString(), NO_SYNC);
            assertThat(p.level().level()).isEqualTo(i);
            assertThat(p.level().pages()).isEqualTo(pair.changedPages());
            SeriesMetadata.Save save = s.saves().get(i);
            long resent = save.pageRecords() + save.zeroRecords() - pages(s);
            assertThat(p.spilledPages()).as("a pipe's pages equal to the top are not kept (%d re-sent)", resent)
                    .isLessThanOrEqualTo(pair.changedPages() + Math.max(0, resent));
        }
        return c;
    }

    /** Pages of all RAM blocks of the series' guest. */
    private static long pages(SeriesMetadata s) {
        return s.ramBlocks().stream().mapToLong(b -> b.usedLength() / s.pageSize()).sum();
    }

    @Test
    void everyLevelRestoresToItsSave() throws IOException {
        Chain c = chainOfTheSeries(tmp.resolve("chain"));
        SeriesMetadata s = SeriesAccess.metadata();
        ChainManifest m = c.manifest();
        assertThat(m.levels()).hasSize(s.saves().size() - 1);
        for (int level = 0; level < s.saves().size(); level++) {
            Path save = SeriesAccess.save(level, tmp);
            for (boolean mapped : new boolean[] {false, true}) {
                Path out = tmp.resolve("level-" + level + (mapped ? ".mr" : ".mig"));
                c.restore(level, out.toString(), mapped, NO_SYNC);
                assertThat(Differ.compare(out.toString(), save.toString(), ReadLimits.defaults(), tmp).identical())
                        .as("level %d %s", level, mapped ? "mapped-ram" : "stream").isTrue();
            }
            ByteArrayOutputStream pipe = new ByteArrayOutputStream();
            c.restore(level, pipe);
            Path piped = Files.write(tmp.resolve("piped-" + level + ".mig"), pipe.toByteArray());
            assertThat(Differ.compare(piped.toString(), save.toString(), ReadLimits.defaults(), tmp).identical()).isTrue();
        }
        assertThat(c.verify().ok()).isTrue();
        assertThat(c.verify().strayFiles()).isEmpty();
    }

    @Test
    void popRemovesTheTopAndAPushReplacesIt() throws IOException {
        Chain c = chainOfTheSeries(tmp.resolve("chain"));
        ChainManifest before = c.manifest();
        ChainManifest.Level top = c.pop(NO_SYNC);
        assertThat(top.level()).isEqualTo(before.levels().size());
        assertThat(c.manifest().levels()).hasSize(before.levels().size() - 1);
        assertThat(c.dir().resolve(top.file())).doesNotExist();
        c.push(SeriesAccess.save(before.levels().size(), tmp).toString(), NO_SYNC);
        ChainManifest again = c.manifest();
        assertThat(again.levels().get(again.levels().size() - 1).result()).isEqualTo(top.result());
        assertThat(c.verify().ok()).isTrue();
        for (int i = 0; i < before.levels().size(); i++) {
            c.pop(NO_SYNC);
        }
        assertThatThrownBy(() -> c.pop(NO_SYNC)).hasMessageContaining("nothing to pop");
    }

    @Test
    void aFailedPushLeavesTheChainAsItWas() throws IOException {
        Chain c = chainOfTheSeries(tmp.resolve("chain"));
        ChainManifest before = c.manifest();
        byte[] save = Files.readAllBytes(SeriesAccess.save(3, tmp));
        Path cut = Files.write(tmp.resolve("cut.mig"), java.util.Arrays.copyOf(save, save.length / 2));
        assertThatThrownBy(() -> c.push(cut.toString(), NO_SYNC)).isInstanceOf(MigrationFormatException.class);
        assertThat(c.manifest()).isEqualTo(before);
        assertThat(c.verify().strayFiles()).isEmpty();
    }

    @Test
    void damageIsFoundByVerifyAndRefusedByRestore() throws IOException {
        Chain c = chainOfTheSeries(tmp.resolve("chain"));
        Path level3 = c.dir().resolve(c.manifest().levels().get(2).file());
        byte[] b = Files.readAllBytes(level3);
        b[b.length / 2] ^= 1;
        Files.write(level3, b);
        ChainCheck check = c.verify();
        assertThat(check.ok()).isFalse();
        assertThat(check.levels().get(3).ok()).isFalse();
        assertThat(check.levels().get(3).message()).contains("damaged");
        assertThat(check.levels().get(2).ok()).isTrue();
        Path out = tmp.resolve("out.mig");
        assertThatThrownBy(() -> c.restore(4, out.toString(), false, NO_SYNC)).isInstanceOf(MigrationFormatException.class)
                .hasMessageContaining(level3.toString());
        assertThat(out).doesNotExist();
        c.restore(2, out.toString(), false, NO_SYNC); // the levels below are intact
        assertThat(out).exists();
    }

    @Test
    void theStoredBytesAreAFractionOfTheSaves() throws IOException {
        Chain c = chainOfTheSeries(tmp.resolve("chain"));
        ChainListing l = ChainListing.of(c.dir(), c.manifest());
        assertThat(l.saveBytes()).isEqualTo(SeriesAccess.metadata().saves().stream()
                .mapToLong(x -> SeriesAccess.save(x.index(), tmp).toFile().length()).sum());
        assertThat(l.storedBytes()).isLessThan(l.saveBytes() / 3);
    }
}
