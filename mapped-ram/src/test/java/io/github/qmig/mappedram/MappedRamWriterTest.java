package io.github.qmig.mappedram;

import io.github.qmig.codec.MigrationReader;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.testkit.ByteDiff;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * QEMU saved the same stopped guest twice, as a plain stream and as mapped-ram. Laying out the
 * plain save with {@link MappedRamWriter} must give QEMU's own mapped-ram file: the same length,
 * block headers, bitmaps and page slots, differing only in the few bytes the guest and its devices
 * changed between the two saves.
 */
class MappedRamWriterTest {

    /** The bytes a stopped guest's clock and devices change between two saves: far less than a page. */
    private static final int MAX_GUEST_CHANGES = 1024;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"x86-pc-128M-mapped-ram", "x86-pc-128M-mapped-ram-offset"})
    void plainSaveLaidOutIsQemusMappedRamSave(String name) throws IOException {
        Fixture qemu = Fixtures.get(name);
        long offset = qemu.metadata().uriOffset();
        Path theirs = qemu.decompressTo(tmp.resolve("qemu.mig"));
        Path plain = Fixtures.get("x86-pc-128M-paused").decompressTo(tmp.resolve("plain.mig"));
        Path ours = tmp.resolve("ours.mig");
        layOut(plain, ours, offset);

        QemuLayout want = QemuLayout.of(theirs, offset);
        QemuLayout got = QemuLayout.of(ours, offset);
        assertThat(got.blocks()).hasSameSizeAs(want.blocks()).hasSizeGreaterThan(1);
        for (int i = 0; i < want.blocks().size(); i++) {
            MappedRamBlock w = want.blocks().get(i);
            MappedRamBlock g = got.blocks().get(i);
            assertThat(g.block()).isEqualTo(w.block());
            assertThat(g.offset()).as("header offset of %s", w.block().idstr()).isEqualTo(w.offset());
            assertThat(g.header()).as("header of %s", w.block().idstr()).isEqualTo(w.header());
            assertThat(g.header().pagesOffset() % (1 << 20)).isZero();
            assertThat(g.bitmap()).as("bitmap of %s", w.block().idstr()).isEqualTo(w.bitmap());
        }
        assertThat(want.blocks().stream().mapToLong(MappedRamBlock::setPages).sum()).isPositive();

        assertThat(Files.size(ours)).isEqualTo(Files.size(theirs));
        List<Long> diffs = ByteDiff.offsets(ours, theirs, MAX_GUEST_CHANGES + 1);
        assertThat(diffs).as("bytes the guest changed between QEMU's two saves").isNotEmpty()
                .hasSizeLessThanOrEqualTo(MAX_GUEST_CHANGES);
        for (long at : diffs) {
            MappedRamBlock in = want.regionOf(at);
            boolean inSetSlot = in != null && in.isSet((at - in.header().pagesOffset()) / in.header().pageSize());
            assertThat(inSetSlot || at >= want.ramEnd())
                    .as("byte %d differs outside guest pages and device state", at).isTrue();
        }
    }

    private static void layOut(Path plain, Path out, long offset) throws IOException {
        try (MigrationReader r = MigrationReader.open(plain, RamSectionCodec.defaultOptions());
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                     StandardOpenOption.WRITE)) {
            r.feed(new MappedRamWriter(ch, offset));
        }
    }
}
