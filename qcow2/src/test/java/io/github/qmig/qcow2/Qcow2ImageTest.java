package io.github.qmig.qcow2;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.testkit.qcow2.Qcow2Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every internal snapshot of every image QEMU made in testdata/qcow2 reads: the header and table
 * agree with {@code qemu-img info}, and each VM state is a whole migration stream, from
 * {@code QEVM} to the VMDESCRIPTION that ends exactly at its recorded size.
 */
class Qcow2ImageTest {

    @TempDir
    Path tmp;

    static List<Qcow2Fixture> images() {
        return Qcow2Fixture.list().stream().filter(f -> !f.name().startsWith("refuse-")).toList();
    }

    static Qcow2Image open(Path image) throws IOException {
        return Qcow2Image.open(FileChannel.open(image), image.getFileName().toString(), ReadLimits.defaults());
    }

    @ParameterizedTest
    @MethodSource("images")
    void headerAndTableAgreeWithQemuImgInfo(Qcow2Fixture f) throws IOException {
        JsonNode m = f.metadata();
        JsonNode info = (m.has("after_resize") ? m.get("after_resize") : m).at("/qemu_img/info");
        try (Qcow2Image image = open(f.decompressTo(tmp.resolve("image.qcow2")))) {
            Qcow2Header h = image.header();
            assertThat(h.clusterSize()).isEqualTo(info.get("cluster-size").asInt());
            assertThat(h.size()).isEqualTo(info.get("virtual-size").asLong());
            JsonNode specific = info.at("/format-specific/data");
            assertThat(h.version()).isEqualTo(specific.get("compat").asText().equals("0.10") ? 2 : 3);
            if (h.version() == 3) {
                assertThat(h.compression()).isEqualTo(specific.get("compression-type").asText());
                assertThat(h.extendedL2()).isEqualTo(specific.get("extended-l2").asBoolean());
            }
            JsonNode listed = info.get("snapshots");
            assertThat(image.snapshots()).hasSize(listed.size());
            for (int i = 0; i < listed.size(); i++) {
                Snapshot s = image.snapshots().get(i);
                JsonNode q = listed.get(i);
                assertThat(s.id()).isEqualTo(q.get("id").asText());
                assertThat(s.name()).isEqualTo(q.get("name").asText());
                assertThat(s.vmStateSize()).isEqualTo(q.get("vm-state-size").asLong());
                assertThat(s.dateSec()).isEqualTo(q.get("date-sec").asLong());
                assertThat(s.dateNsec()).isEqualTo(q.get("date-nsec").asLong());
                assertThat(s.vmClockNsec()).isEqualTo(q.get("vm-clock-sec").asLong() * 1_000_000_000L
                        + q.get("vm-clock-nsec").asLong());
                assertThat(s.icount()).isEqualTo(q.has("icount") ? q.get("icount").asLong() : -1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void everyVmStateIsAWholeStreamToItsEnd(Qcow2Fixture f) throws IOException {
        int read = 0;
        try (Qcow2Image image = open(f.decompressTo(tmp.resolve("image.qcow2")))) {
            for (Snapshot s : image.snapshots()) {
                if (!s.hasVmState()) {
                    continue;
                }
                VmState state = image.vmState(s);
                assertThat(state.unstored()).as("every cluster of %s is in the image", s).isNull();
                List<Class<?>> kinds = new ArrayList<>();
                long events = 0;
                try (MigrationReader r = MigrationReader.of(image.source(s, 0, false),
                        RamSectionCodec.defaultOptions())) {
                    assertThat(r.endsWithDescription()).isTrue();
                    for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                        if (events++ == 0 || e instanceof EndOfFile || e instanceof VmDescription) {
                            kinds.add(e.getClass());
                        }
                    }
                    assertThat(r.position()).isEqualTo(s.vmStateSize());
                }
                assertThat(kinds).containsExactly(FileHeader.class, EndOfFile.class, VmDescription.class);
                read++;
            }
        }
        long expected = f.snapshots().stream().filter(s -> s.path("vm_state_size").asLong() > 0).count();
        assertThat(read).isEqualTo(expected).isPositive();
    }

    @Test
    void theStateLiesPastTheDiskAsLargeAsItWasWhenTheSnapshotWasTaken() throws IOException {
        try (Qcow2Image resized = open(Qcow2Fixture.get("x86-pc-qemu10-resized").decompressTo(tmp.resolve("r.qcow2")));
             Qcow2Image huge = open(Qcow2Fixture.get("x86-pc-qemu10-2m").decompressTo(tmp.resolve("2m.qcow2")));
             Qcow2Image ext = open(Qcow2Fixture.get("x86-pc-qemu10-extl2").decompressTo(tmp.resolve("e.qcow2")))) {
            Snapshot s = resized.snapshots().get(0);
            assertThat(resized.header().size()).isEqualTo(48L << 20);
            assertThat(s.diskSize()).isEqualTo(16L << 20);
            assertThat(resized.vmState(s).virtualOffset()).isEqualTo(16L << 20); // L1 index 8 of 2 MiB each
            assertThat(huge.vmState(huge.snapshots().get(0)).virtualOffset()).isEqualTo(512L << 30);
            assertThat(ext.header().extendedL2()).isTrue();
            assertThat(ext.vmState(ext.snapshots().get(0)).virtualOffset()).isEqualTo(256L << 20);
        }
    }

    @Test
    void snapshotsAreChosenByIdFirstThenByName() throws IOException {
        try (Qcow2Image v2 = open(Qcow2Fixture.get("x86-pc-qemu10-v2").decompressTo(tmp.resolve("v2.qcow2")));
             Qcow2Image v3 = open(Qcow2Fixture.get("x86-pc-qemu10-v3").decompressTo(tmp.resolve("v3.qcow2")));
             Qcow2Image rr = open(Qcow2Fixture.get("x86-pc-qemu10-rr").decompressTo(tmp.resolve("rr.qcow2")))) {
            SnapshotChoice one = v2.choose("1");
            assertThat(one.snapshot().name()).isEqualTo("first");
            assertThat(one.note()).contains("the ID of snapshot 1 'first' and the name of snapshot 2 '1'");
            assertThat(v2.choose("2").snapshot().name()).isEqualTo("1");
            assertThat(v3.choose("s4-qmp-running").snapshot().id()).isEqualTo("4");
            assertThat(v3.choose("s4-qmp-running").note()).isNull();
            SnapshotChoice init = rr.choose("init");
            assertThat(init.snapshot().id()).isEqualTo("1");
            assertThat(init.note()).contains("2 snapshots are named 'init'; snapshot 1 'init' is the one with VM state");

            assertThatThrownBy(() -> v3.choose(null)).isInstanceOf(MigrationFormatException.class)
                    .hasMessageContaining("a qcow2 image holds VM states in its internal snapshots only, choose one with")
                    .hasMessageContaining("1 's1-paused', 3 's3-hmp-running', 4 's4-qmp-running', 5 's5-qmp-paused', "
                            + "6 's6-disk-only' (disk-only)")
                    .hasMessageEndingWith("at byte 0x" + Long.toHexString(v3.header().snapshotsOffset()));
            assertThatThrownBy(() -> v3.choose("2")).hasMessageContaining("no snapshot has the ID or name '2'");
            assertThatThrownBy(() -> v3.choose("s6-disk-only"))
                    .hasMessageContaining("snapshot 6 's6-disk-only' is a disk-only snapshot")
                    .satisfies(e -> assertThat(((MigrationFormatException) e).code())
                            .isEqualTo(MigrationFormatException.Code.QCOW2_SNAPSHOT_UNAVAILABLE));
        }
    }

    @Test
    void imagesQemuMakesNoInternalSnapshotsInAreRefusedSayingWhy() throws IOException {
        Path dataFile = Qcow2Fixture.get("refuse-data-file").decompressTo(tmp.resolve("d.qcow2"));
        assertThatThrownBy(() -> open(dataFile)).isInstanceOf(MigrationFormatException.class)
                .hasMessage("d.qcow2: the image has an external data file 'refuse-data-file.raw' (incompatible feature "
                        + "bit 2): its clusters live in that file, and QEMU makes no internal snapshots in such images "
                        + "at byte 0x48")
                .satisfies(e -> assertThat(((MigrationFormatException) e).code())
                        .isEqualTo(MigrationFormatException.Code.QCOW2_UNSUPPORTED));
        Path aes = Qcow2Fixture.get("refuse-aes").decompressTo(tmp.resolve("a.qcow2"));
        assertThatThrownBy(() -> open(aes)).isInstanceOf(MigrationFormatException.class)
                .hasMessage("a.qcow2: the image is encrypted (crypt_method 1, AES): its VM states cannot be read "
                        + "without the key at byte 0x20");
    }

    @Test
    void aStateReadsTheSameInAnyPieces() throws IOException {
        Path path = Qcow2Fixture.get("x86-pc-qemu10-4k").decompressTo(tmp.resolve("4k.qcow2"));
        try (Qcow2Image image = open(path)) {
            VmState state = image.vmState(image.snapshots().get(0));
            byte[] whole = new byte[(int) state.size()];
            state.copyAt(0, whole, 0, whole.length);
            assertThat(new String(whole, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("QEVM");
            byte[] pieces = new byte[whole.length];
            for (int at = 0, n = 1; at < whole.length; at += n, n = n * 3 % 10007 + 1) {
                int len = Math.min(n, whole.length - at);
                ByteBuffer b = ByteBuffer.allocateDirect(len);
                state.readAt(at, b);
                b.flip().get(pieces, at, len);
            }
            assertThat(pieces).isEqualTo(whole);
            assertThatThrownBy(() -> state.copyAt(state.size() - 2, new byte[4], 0, 4))
                    .isInstanceOf(MigrationFormatException.class).hasMessageContaining("input ends 2 bytes before");
        }
    }
}
