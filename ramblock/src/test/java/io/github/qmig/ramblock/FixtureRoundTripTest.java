package io.github.qmig.ramblock;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.MigrationWriter;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.ThrottledInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every real QEMU file in testdata/ reads without error and re-encodes byte for byte: from the file
 * (seekable; device sections delimited by the VMDESCRIPTION) and through a pipe that returns 1 to 7
 * bytes per read (no seeking; device sections delimited by footer and header scanning).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FixtureRoundTripTest {

    private Path dir;
    private final Map<String, Path> files = new HashMap<>();

    @BeforeAll
    void decompress(@TempDir Path tmp) throws IOException {
        dir = tmp;
        for (Fixture f : Fixtures.list()) {
            files.put(f.name(), f.decompressTo(dir.resolve(f.name() + ".mig")));
        }
    }

    static List<Fixture> fixtures() {
        List<Fixture> all = Fixtures.list();
        assertThat(all).as("fixtures in testdata/").hasSizeGreaterThanOrEqualTo(15);
        return all;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void reencodesFileByteForByte(Fixture f) throws IOException {
        long offset = f.metadata().uriOffset();
        assertReencodes(f, MigrationReader.open(files.get(f.name()), offset, RamSectionCodec.defaultOptions()));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void reencodesThrottledPipeByteForByte(Fixture f) throws IOException {
        long offset = f.metadata().uriOffset();
        try (InputStream pipe = new ThrottledInputStream(new BufferedInputStream(Files.newInputStream(files.get(f.name()))), 7)) {
            pipe.skipNBytes(offset);
            // offsets stay file offsets: mapped-ram headers point at absolute positions
            assertReencodes(f, MigrationReader.of(ByteSource.of(pipe, "pipe", offset), RamSectionCodec.defaultOptions()));
        }
    }

    /** Writes every event of {@code reader} (closed here) at the fixture's offset and compares with the file. */
    private void assertReencodes(Fixture f, MigrationReader reader) throws IOException {
        Path in = files.get(f.name());
        Path out = dir.resolve(f.name() + ".out");
        try (MigrationReader r = reader;
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             MigrationWriter w = MigrationWriter.of(ByteSink.of(ch, f.metadata().uriOffset(), false))) {
            copy(r, w);
        }
        try {
            assertThat(Files.mismatch(in, out)).as("first differing byte").isEqualTo(-1);
        } finally {
            Files.delete(out);
        }
    }

    /**
     * Page record counts equal QEMU's own counters: {@code ram.normal} counts PAGE records and
     * {@code ram.duplicate} ZERO records. (QEMU 7.2's compression threads count some pages twice;
     * there every page of the guest must appear exactly once instead.)
     */
    @ParameterizedTest
    @MethodSource("fixtures")
    void pageCountsMatchQemuCounters(Fixture f) throws IOException {
        FixtureMetadata m = f.metadata();
        Map<RamPage.Kind, Long> n = new EnumMap<>(RamPage.Kind.class);
        for (RamPage.Kind k : RamPage.Kind.values()) {
            n.put(k, 0L);
        }
        try (MigrationReader r = MigrationReader.open(files.get(f.name()), m.uriOffset(), RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof RamPage p) {
                    n.merge(p.kind(), 1L, Long::sum);
                }
            }
        }
        long normal = m.counter("/ram/normal");
        long duplicate = m.counter("/ram/duplicate");
        if (m.mappedRam()) {
            // pages dirtied again are rewritten in place: at most one slot per page sent
            assertThat(n.get(RamPage.Kind.MAPPED)).isPositive().isLessThanOrEqualTo(normal);
            assertThat(n.get(RamPage.Kind.PAGE) + n.get(RamPage.Kind.ZERO)).isZero();
        } else if (m.counter("/compression/pages") > 0) {
            long records = n.get(RamPage.Kind.PAGE) + n.get(RamPage.Kind.ZERO) + n.get(RamPage.Kind.COMPRESSED);
            assertThat(n.get(RamPage.Kind.COMPRESSED)).isPositive();
            assertThat(records * m.counter("/ram/page-size")).as("one record per guest page").isEqualTo(m.counter("/ram/total"));
        } else {
            assertThat(n.get(RamPage.Kind.PAGE)).as("PAGE records vs ram.normal").isEqualTo(normal);
            assertThat(n.get(RamPage.Kind.ZERO)).as("ZERO records vs ram.duplicate").isEqualTo(duplicate);
        }
    }

    private static void copy(MigrationReader r, MigrationWriter w) throws IOException {
        for (MigrationEvent e = r.next(); e != null; e = r.next()) {
            w.write(e);
        }
        w.flush();
    }
}
