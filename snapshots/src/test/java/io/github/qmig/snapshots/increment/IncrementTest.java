package io.github.qmig.snapshots.increment;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.snapshots.SeriesAccess;
import io.github.qmig.snapshots.diff.Differ;
import io.github.qmig.snapshots.diff.StateDiff;
import io.github.qmig.testkit.series.SeriesMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Increments of the series' saves: each holds B's changed pages only, applying it to A gives B
 * (compared with {@code diff}: same RAM, device state and configuration), a chain of them applied
 * to save 0 gives each later save, and a wrong base, a wrong order, a missing link or a damaged
 * increment is refused before anything is written.
 */
class IncrementTest {

    @TempDir
    static Path dir;

    private static final OutputOptions NO_SYNC = OutputOptions.defaults().withSync(false);

    private static Path save(int i) {
        return SeriesAccess.save(i, dir);
    }

    /** The increment from save a to save b (made once). */
    private static Path delta(int a, int b) throws IOException {
        Path d = dir.resolve("d" + a + "-" + b + ".qinc");
        if (!Files.exists(d)) {
            IncrementWriter.delta(save(a).toString(), save(b).toString(), d, NO_SYNC, ReadLimits.defaults());
        }
        return d;
    }

    private static Path apply(Path base, List<Path> increments, boolean mappedRam, String name) throws IOException {
        Path out = dir.resolve(name);
        try (Layers l = Layers.open(base.toString(), increments.stream().map(Path::toString).toList(), ReadLimits.defaults(), dir)) {
            Restore.write(l, out.toString(), mappedRam, NO_SYNC);
        }
        return out;
    }

    private static StateDiff diff(Path a, Path b) throws IOException {
        return Differ.compare(a.toString(), b.toString(), ReadLimits.defaults(), dir);
    }

    @Test
    void applyingTheIncrementToItsBaseGivesTheSave() throws IOException {
        for (int i = 0; i + 1 < 7; i++) {
            Path d = delta(i, i + 1);
            for (boolean mapped : new boolean[] {false, true}) {
                Path out = apply(save(i), List.of(d), mapped, "applied-" + i + (mapped ? ".mr" : ".mig"));
                StateDiff back = diff(out, save(i + 1));
                assertThat(back.identical()).as("save %d + increment = save %d (%s): %s", i, i + 1,
                        mapped ? "mapped-ram" : "stream", back.toJson(new com.fasterxml.jackson.databind.ObjectMapper()))
                        .isTrue();
            }
        }
    }

    @Test
    void aChainOfIncrementsGivesEverySave() throws IOException {
        List<Path> chain = new ArrayList<>();
        for (int i = 0; i + 1 < 7; i++) {
            chain.add(delta(i, i + 1));
            Path out = apply(save(0), chain, false, "chain-" + (i + 1) + ".mig");
            assertThat(diff(out, save(i + 1)).identical()).as("save 0 + %d increments", i + 1).isTrue();
        }
        try (Layers l = Layers.open(save(0).toString(), chain.stream().map(Path::toString).toList(), ReadLimits.defaults(), dir)) {
            l.verify();
            ByteArrayOutputStream pipe = new ByteArrayOutputStream();
            Restore.toStream(l, pipe);
            Path piped = Files.write(dir.resolve("piped.mig"), pipe.toByteArray());
            assertThat(diff(piped, save(6)).identical()).isTrue();
        }
    }

    @Test
    void anIncrementHoldsTheChangedPagesAndBsDeviceStateOnly() throws IOException {
        SeriesMetadata series = SeriesAccess.metadata();
        for (int i = 0; i + 1 < 6; i++) { // pairs of streams: B's device state measured in B itself
            SeriesMetadata.Pair pair = series.pair(i, i + 1).orElseThrow();
            Path d = delta(i, i + 1);
            long size = Files.size(d);
            long device = bytesBesidesPages(save(i + 1));
            long toZero = pair.blocks().stream().mapToLong(SeriesMetadata.BlockDiff::toZeroPages).sum();
            // a page that became zero is a 9-byte ZERO record: it counts as changed, not as a page of data
            long expected = (pair.changedPages() - toZero) * series.pageSize() + device;
            assertThat((double) size).as("increment %d-%d: %d bytes, %d changed pages (%d now zero), %d of device state", i,
                    i + 1, size, pair.changedPages(), toZero, device).isBetween(0.95 * expected, 1.05 * expected);
            assertThat(size).isLessThanOrEqualTo((long) (1.05 * (pair.changedPages() * series.pageSize() + device)));
            try (MigrationInput in = MigrationInput.open(d, 0)) {
                IncrementHeader h = in.increment();
                assertThat(h.pages()).isEqualTo(pair.changedPages());
                assertThat(in.kind()).isEqualTo("increment");
                long zero = 0;
                long data = 0;
                try (MigrationReader r = in.reader(RamSectionCodec.defaultOptions())) {
                    for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                        if (e instanceof RamPage p) {
                            if (p.kind() == RamPage.Kind.ZERO) {
                                zero++;
                            } else {
                                data++;
                            }
                        }
                    }
                }
                assertThat(zero).as("pages that became zero are carried as ZERO records").isEqualTo(toZero);
                assertThat(data + zero).isEqualTo(pair.changedPages());
            }
        }
    }

    /** Bytes of a plain stream that are not page records. */
    private static long bytesBesidesPages(Path stream) throws IOException {
        long pages = 0;
        try (MigrationInput in = MigrationInput.open(stream, 0); MigrationReader r = in.reader(RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof RamPage p) {
                    pages += 8 + (p.isContinue() ? 0 : 1 + p.block().idstr().length()) + p.length();
                }
            }
        }
        return Files.size(stream) - pages;
    }

    @Test
    void aWrongBaseIsRefusedAndNothingIsWritten() throws IOException {
        Path d = delta(2, 3);
        Path out = dir.resolve("wrong-base.mig");
        for (int wrong : new int[] {1, 3}) {
            try (Layers l = Layers.open(save(wrong).toString(), List.of(d.toString()), ReadLimits.defaults(), dir)) {
                assertThatThrownBy(() -> Restore.write(l, out.toString(), false, NO_SYNC))
                        .isInstanceOf(MigrationFormatException.class)
                        .hasMessageContaining(save(wrong).toString() + ": its state is")
                        .hasMessageContaining("not the base of that increment")
                        .extracting(e -> ((MigrationFormatException) e).code())
                        .isEqualTo(MigrationFormatException.Code.INCREMENT_BASE_MISMATCH);
                assertThatThrownBy(l::verify).isInstanceOf(MigrationFormatException.class);
            }
            assertThat(out).doesNotExist();
        }
        try (var left = Files.list(dir)) {
            assertThat(left.filter(p -> p.getFileName().toString().endsWith(".qmig-tmp"))).isEmpty();
        }
    }

    @Test
    void reorderedOrMissingLinksAreRefusedWhenOpened() throws IOException {
        Path d01 = delta(0, 1);
        Path d12 = delta(1, 2);
        Path d23 = delta(2, 3);
        for (List<Path> bad : List.of(List.of(d12, d01), List.of(d01, d23), List.of(d01, d12, d12))) {
            assertThatThrownBy(() -> Layers.open(save(0).toString(), bad.stream().map(Path::toString).toList(),
                    ReadLimits.defaults(), dir))
                    .isInstanceOf(MigrationFormatException.class)
                    .hasMessageContaining("an increment is missing between them, or they are out of order")
                    .extracting(e -> ((MigrationFormatException) e).code())
                    .isEqualTo(MigrationFormatException.Code.INCREMENT_BASE_MISMATCH);
        }
    }

    @Test
    void aTruncatedOrBitFlippedIncrementIsDamaged() throws IOException {
        byte[] good = Files.readAllBytes(delta(3, 4));
        Path bad = dir.resolve("bad.qinc");
        List<byte[]> damaged = new ArrayList<>();
        damaged.add(Arrays.copyOf(good, good.length - 1000));
        for (int at : new int[] {20, 100, 200, good.length / 2, good.length - 3}) {
            byte[] b = good.clone();
            b[at] ^= 0x10;
            damaged.add(b);
        }
        for (byte[] b : damaged) {
            Files.write(bad, b);
            assertThatThrownBy(() -> Layers.open(save(3).toString(), List.of(bad.toString()), ReadLimits.defaults(), dir))
                    .isInstanceOf(MigrationFormatException.class)
                    .satisfies(e -> assertThat(((MigrationFormatException) e).code()).isIn(
                            MigrationFormatException.Code.INCREMENT_DAMAGED, MigrationFormatException.Code.TRUNCATED))
                    .hasMessageStartingWith(bad.toString() + ": ");
        }
    }
}
