package io.github.qmig.qcow2.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.qcow2.Qcow2Image;
import io.github.qmig.qcow2.Snapshot;
import io.github.qmig.qcow2.VmState;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.testkit.MemoryChannel;
import io.github.qmig.testkit.qcow2.Qcow2Fixture;
import io.github.qmig.testkit.qcow2.Qcow2Layout;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real image QEMU made (4 KiB clusters, two snapshots whose states run through three L2 tables
 * each) whose metadata the fuzzer writes: the input's bytes replace, in order, the header cluster,
 * the snapshot table, each state's L1 entries and the entries of its L2 tables (the seed is those
 * bytes as they are). Every state is then read in place and as a stream of events. The only
 * acceptable failure is a {@link MigrationFormatException} with an offset; anything else (another
 * exception, a hang, an out-of-memory) is a finding.
 */
class Qcow2ImageFuzzTest {

    private static final int MAX_INPUT = 64 << 10;
    private static final byte[] IMAGE;
    /** The image as QEMU wrote it, to undo each input's writes. */
    private static final byte[] BASE;
    /** The metadata regions, {offset, length} in file order of the input. */
    private static final List<long[]> REGIONS = new ArrayList<>();

    static {
        try {
            Path tmp = Files.createTempFile("qmig-fuzz-", ".qcow2");
            try {
                Qcow2Layout l = Qcow2Layout.of(Qcow2Fixture.get("x86-pc-qemu10-4k").decompressTo(tmp));
                IMAGE = Files.readAllBytes(tmp);
                BASE = IMAGE.clone();
                REGIONS.add(new long[] {0, l.clusterSize()});
                Qcow2Layout.Entry last = l.entries().get(l.entries().size() - 1);
                REGIONS.add(new long[] {l.snapshotsOffset(), last.end() - l.snapshotsOffset()});
                for (int i = 0; i < l.entries().size(); i++) {
                    long size = l.entries().get(i).vmStateSize();
                    long span = (long) l.clusterSize() * (l.clusterSize() / l.l2EntrySize());
                    REGIONS.add(new long[] {l.l1EntryOffset(i, 0), 8 * ((size + span - 1) / span)});
                    for (long at = 0; at < size; at += span) {
                        long clusters = (Math.min(span, size - at) + l.clusterSize() - 1) / l.clusterSize();
                        REGIONS.add(new long[] {l.l2EntryOffset(i, at), clusters * l.l2EntrySize()});
                    }
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void image(byte[] data) throws IOException {
        if (data.length > MAX_INPUT) {
            return;
        }
        List<long[]> written = new ArrayList<>();
        int k = 0;
        for (long[] r : REGIONS) {
            int n = (int) Math.min(r[1], data.length - k);
            if (n <= 0) {
                break;
            }
            System.arraycopy(data, k, IMAGE, (int) r[0], n);
            written.add(new long[] {r[0], n});
            k += n;
        }
        try {
            read();
        } finally {
            for (long[] w : written) {
                System.arraycopy(BASE, (int) w[0], IMAGE, (int) w[0], (int) w[1]);
            }
        }
    }

    /** The seed in the inputs directory is {@link #seed()}; {@code -Dqmig.updateSeeds=true} writes it anew. */
    @Test
    void theSeedIsTheImagesMetadata() throws IOException {
        Path file = Path.of("src/test/resources/io/github/qmig/qcow2/fuzz/Qcow2ImageFuzzTestInputs/image/seed-4k-metadata");
        if (Boolean.getBoolean("qmig.updateSeeds")) {
            Files.write(file, seed());
        }
        assertThat(file).exists().hasSize(seed().length);
    }

    /** The seed: the regions' bytes as QEMU wrote them. */
    static byte[] seed() {
        int total = REGIONS.stream().mapToInt(r -> (int) r[1]).sum();
        byte[] out = new byte[total];
        int p = 0;
        for (long[] r : REGIONS) {
            System.arraycopy(BASE, (int) r[0], out, p, (int) r[1]);
            p += (int) r[1];
        }
        return out;
    }

    private static void read() throws IOException {
        Qcow2Image image;
        try {
            image = Qcow2Image.open(new MemoryChannel(IMAGE), "fuzz", ReadLimits.defaults());
        } catch (MigrationFormatException e) {
            expected(e);
            return;
        }
        try (image) {
            byte[] chunk = new byte[1 << 16];
            for (Snapshot s : image.snapshots()) {
                try {
                    VmState state = image.vmState(s);
                    for (long at = 0; at < state.size() && at < 64L << 20; at += chunk.length) {
                        state.copyAt(at, chunk, 0, (int) Math.min(chunk.length, state.size() - at));
                    }
                } catch (MigrationFormatException e) {
                    expected(e);
                }
                try (MigrationReader r = MigrationReader.of(image.source(s, 0, false), RamSectionCodec.defaultOptions())) {
                    int n = 0;
                    for (MigrationEvent e = r.next(); e != null && n < 1_000_000; e = r.next()) {
                        n++;
                    }
                } catch (MigrationFormatException e) {
                    expected(e);
                }
            }
        }
    }

    private static void expected(MigrationFormatException e) {
        assertThat(e.offset()).isGreaterThanOrEqualTo(0);
        assertThat(e.getMessage()).startsWith("fuzz").contains(" at byte 0x");
    }
}
