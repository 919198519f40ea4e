package io.github.qmig.mappedram;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * QEMU's mapped-ram saves written back as a plain stream, with pages read in place and collected
 * from a pipe: both give the same bytes, every page of every block travels exactly once (PAGE for
 * a set bitmap bit with the slot's bytes, ZERO for a clear one), and the pages sent as PAGE are
 * the ones QEMU itself sent as PAGE when it saved the same stopped guest as a plain stream.
 */
class MappedRamToStreamTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"x86-pc-128M-mapped-ram", "x86-pc-128M-mapped-ram-offset"})
    void everyPageTravelsOnceAsQemuSendsIt(String name) throws IOException {
        Fixture f = Fixtures.get(name);
        long offset = f.metadata().uriOffset();
        Path mapped = f.decompressTo(tmp.resolve("mapped.mig"));
        Path inPlace = tmp.resolve("in-place.mig");
        Path piped = tmp.resolve("piped.mig");
        toStreamInPlace(mapped, offset, inPlace);
        toStreamFromPipe(mapped, offset, piped);
        assertThat(Files.mismatch(inPlace, piped)).as("first byte where the two ways differ").isEqualTo(-1);

        QemuLayout layout = QemuLayout.of(mapped, offset);
        Map<String, BitSet> sent = new HashMap<>();
        Map<String, BitSet> zero = new HashMap<>();
        try (MigrationReader r = MigrationReader.open(inPlace, RamSectionCodec.defaultOptions());
             FileChannel in = FileChannel.open(mapped)) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                assertThat(e).isNotInstanceOf(MappedRamBlock.class);
                if (e instanceof Configuration c) {
                    assertThat(c.capabilities()).doesNotContain(MappedRamWriter.CAPABILITY);
                } else if (e instanceof RamPage p) {
                    assertThat(p.kind()).isIn(RamPage.Kind.PAGE, RamPage.Kind.ZERO);
                    MappedRamBlock b = blockOf(layout, p);
                    String id = b.block().idstr();
                    int index = (int) (p.pageOffset() / b.header().pageSize());
                    BitSet pages = sent.computeIfAbsent(id, k -> new BitSet());
                    BitSet zeros = zero.computeIfAbsent(id, k -> new BitSet());
                    assertThat(pages.get(index) || zeros.get(index)).as("page %d of %s sent twice", index, id).isFalse();
                    (p.kind() == RamPage.Kind.PAGE ? pages : zeros).set(index);
                    assertThat(p.kind() == RamPage.Kind.PAGE).as("page %d of %s vs its bitmap bit", index, id)
                            .isEqualTo(b.isSet(index));
                    if (p.kind() == RamPage.Kind.PAGE) {
                        ByteBuffer slot = ByteBuffer.allocate((int) b.header().pageSize());
                        in.read(slot, b.header().pagesOffset() + p.pageOffset());
                        assertThat(p.data()).as("page %d of %s", index, id).isEqualTo(slot.flip());
                    }
                }
            }
        }
        for (MappedRamBlock b : layout.blocks()) {
            BitSet all = (BitSet) sent.getOrDefault(b.block().idstr(), new BitSet()).clone();
            all.or(zero.getOrDefault(b.block().idstr(), new BitSet()));
            assertThat(all.cardinality()).as("pages of %s", b.block().idstr()).isEqualTo(b.pageCount());
        }
        sent.values().removeIf(BitSet::isEmpty);
        Path plain = Fixtures.get("x86-pc-128M-paused").decompressTo(tmp.resolve("plain.mig"));
        assertThat(sent).as("pages sent as PAGE, by block").isEqualTo(pagesSentAsPage(plain));
    }

    private static MappedRamBlock blockOf(QemuLayout layout, RamPage p) {
        return layout.blocks().stream().filter(b -> b.block().idstr().equals(p.block().idstr()))
                .findFirst().orElseThrow(() -> new AssertionError("page of unknown block " + p.block().idstr()));
    }

    private static Map<String, BitSet> pagesSentAsPage(Path plain) throws IOException {
        Map<String, BitSet> sent = new HashMap<>();
        try (MigrationReader r = MigrationReader.open(plain, RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof RamPage p && p.kind() == RamPage.Kind.PAGE) {
                    sent.computeIfAbsent(p.block().idstr(), k -> new BitSet())
                            .set((int) (p.pageOffset() / r.pageSize()));
                }
            }
        }
        return sent;
    }

    private static void toStreamInPlace(Path mapped, long offset, Path out) throws IOException {
        try (MigrationReader r = MigrationReader.open(mapped, offset,
                RamSectionCodec.withoutMappedPages(ReadOptions.defaults()))) {
            convert(r, true, out);
        }
    }

    private void toStreamFromPipe(Path mapped, long offset, Path out) throws IOException {
        try (InputStream pipe = new BufferedInputStream(Files.newInputStream(mapped))) {
            pipe.skipNBytes(offset);
            try (MigrationReader r = MigrationReader.of(ByteSource.of(pipe, "pipe", offset),
                    RamSectionCodec.defaultOptions())) {
                convert(r, false, out);
            }
        }
    }

    private static void convert(MigrationReader r, boolean inPlace, Path out) throws IOException {
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             MappedRamToStream w = new MappedRamToStream(ByteSink.of(ch, 0, false), inPlace, out.getParent())) {
            r.feed(w);
        }
    }
}
