package io.github.qmig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.testkit.qcow2.Qcow2Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TimeZone;

import static io.github.qmig.cli.CliTest.qmig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands on the qcow2 images QEMU made (testdata/qcow2): {@code info IMAGE} lists what
 * {@code qemu-img snapshot -l} lists, byte for byte on its columns (the sidecars ran it with
 * {@code TZ=UTC}), and every snapshot's VM state reads with every command.
 */
class Qcow2CommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static List<Qcow2Fixture> listed() {
        return Qcow2Fixture.list().stream().filter(f -> !f.snapshots().isEmpty()).toList();
    }

    private Path image(Qcow2Fixture f) throws IOException {
        return f.decompressTo(tmp.resolve(f.name() + ".qcow2"));
    }

    /** The sidecar's qemu-img text (after the resize, for the image that was resized). */
    private static JsonNode qemuImg(Qcow2Fixture f) {
        JsonNode m = f.metadata();
        return (m.has("after_resize") ? m.get("after_resize") : m).get("qemu_img");
    }

    @ParameterizedTest
    @MethodSource("listed")
    void infoListsWhatQemuImgSnapshotListShowsThenWhatEachStateHolds(Qcow2Fixture f) throws IOException {
        Path image = image(f);
        TimeZone zone = TimeZone.getDefault();
        CliTest.Run r;
        try {
            TimeZone.setDefault(TimeZone.getTimeZone(qemuImg(f).get("tz").asText()));
            r = qmig("info", image.toString());
        } finally {
            TimeZone.setDefault(zone);
        }
        assertThat(r.code()).as(r.err()).isZero();
        List<String> ours = r.out().lines().toList();
        List<String> theirs = qemuImg(f).get("snapshot_list").asText().lines().toList();
        assertThat(ours.get(0)).startsWith("Image:        " + image + ", qcow2 v");
        assertThat(ours).hasSize(theirs.size() + 1);
        for (int i = 0; i < theirs.size(); i++) {
            assertThat(ours.get(i + 1)).startsWith(theirs.get(i));
        }
        List<JsonNode> snapshots = f.snapshots();
        for (int i = 0; i < snapshots.size(); i++) {
            boolean state = snapshots.get(i).path("vm_state_size").asLong() > 0;
            assertThat(ours.get(i + 3)).endsWith(state ? " complete" : " disk-only")
                    .contains(state ? f.machineType() : " - ");
        }
    }

    @ParameterizedTest
    @MethodSource("listed")
    void infoJsonHasQemuImgInfosSnapshotFields(Qcow2Fixture f) throws IOException {
        CliTest.Run r = qmig("info", "--json", image(f).toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("format").asText()).isEqualTo("qcow2");
        JsonNode info = qemuImg(f).get("info");
        assertThat(j.at("/qcow2/cluster_size").asInt()).isEqualTo(info.get("cluster-size").asInt());
        assertThat(j.at("/qcow2/virtual_size").asLong()).isEqualTo(info.get("virtual-size").asLong());
        JsonNode theirs = info.get("snapshots");
        JsonNode ours = j.get("snapshots");
        assertThat(ours).hasSize(theirs.size());
        for (int i = 0; i < theirs.size(); i++) {
            JsonNode a = ours.get(i);
            JsonNode b = theirs.get(i);
            for (String field : List.of("id", "name", "vm-state-size", "date-sec", "date-nsec", "vm-clock-sec",
                    "vm-clock-nsec")) {
                assertThat(a.get(field.replace('-', '_'))).as(field).isEqualTo(b.get(field));
            }
            assertThat(a.get("icount")).isEqualTo(b.has("icount") ? b.get("icount") : JSON.nullNode());
            boolean state = b.get("vm-state-size").asLong() > 0;
            assertThat(a.get("complete").asBoolean()).isEqualTo(state);
            assertThat(a.get("machine").isNull()).isEqualTo(!state);
            if (state) {
                assertThat(a.get("machine").asText()).isEqualTo(f.machineType());
                assertThat(a.get("ram_size").asLong()).isGreaterThan(128L << 20);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("listed")
    void everySnapshotsStateValidatesCleanAndConvertsToTheSameStream(Qcow2Fixture f) throws IOException {
        Path image = image(f);
        for (JsonNode s : f.snapshots()) {
            if (s.path("vm_state_size").asLong() == 0) {
                continue;
            }
            String id = s.get("id").asText();
            CliTest.Run v = qmig("validate", "--json", "--snapshot", id, image.toString());
            assertThat(v.code()).as(v.out() + v.err()).isZero();
            JsonNode report = JSON.readTree(v.out());
            assertThat(report.at("/summary/input").asText()).isEqualTo("qcow2");
            assertThat(report.at("/summary/complete").asBoolean()).isTrue();

            Path out = tmp.resolve("state-" + id + ".mig");
            CliTest.Run c = qmig("convert", "--to", "stream", image + "@" + id, "-o", out.toString());
            assertThat(c.code()).as(c.err()).isZero();
            assertThat(Files.size(out)).isEqualTo(s.get("vm_state_size").asLong());
            JsonNode fromImage = JSON.readTree(qmig("info", "--json", "--snapshot", id, image.toString()).out());
            JsonNode fromFile = JSON.readTree(qmig("info", "--json", out.toString()).out());
            for (String field : List.of("format", "machine", "ram_blocks", "ram_records", "sections", "vmdesc",
                    "complete", "stream_bytes")) {
                assertThat(fromFile.get(field)).as(field).isEqualTo(fromImage.get(field));
            }
            assertThat(fromImage.at("/qcow2/snapshot/id").asText()).isEqualTo(id);
            assertThat(fromImage.at("/source/kind").asText()).isEqualTo("qcow2");
        }
    }

    @Test
    void withoutASnapshotEveryReadingCommandSaysWhichTheImageHas() throws IOException {
        Path image = image(Qcow2Fixture.get("x86-pc-qemu10-v3"));
        for (String[] args : List.of(new String[] {"dump", image.toString()},
                new String[] {"extract", image.toString(), "-o", tmp.resolve("blocks").toString()},
                new String[] {"convert", "--to", "stream", image.toString(), "-o", tmp.resolve("o").toString()})) {
            CliTest.Run r = qmig(args);
            assertThat(r.code()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("qmig: " + image + ": a qcow2 image holds VM states in its internal snapshots"
                    + " only, choose one with --snapshot ID|NAME or " + image + "@NAME (snapshots: 1 's1-paused', ")
                    .endsWith(" at byte 0x1500000\n");
        }
        CliTest.Run diskOnly = qmig("dump", "--snapshot", "s6-disk-only", image.toString());
        assertThat(diskOnly.code()).isEqualTo(1);
        assertThat(diskOnly.err()).contains("snapshot 6 's6-disk-only' is a disk-only snapshot");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void anAmbiguousKeyIsReadAsQemuReadsItAndSaidSo() throws IOException {
        Path image = image(Qcow2Fixture.get("x86-pc-qemu10-v2"));
        CliTest.Run r = qmig("info", "--json", "--snapshot", "1", image.toString());
        assertThat(r.code()).isZero();
        assertThat(JSON.readTree(r.out()).at("/qcow2/snapshot/name").asText()).isEqualTo("first");
        assertThat(r.err()).isEqualTo("qmig: note: '1' is the ID of snapshot 1 'first' and the name of snapshot 2 '1'; "
                + "IDs are matched first, as QEMU's qcow2 driver does; reading snapshot 1 'first'\n");
    }

    @Test
    void refusedImagesSayWhy() throws IOException {
        Path dataFile = image(Qcow2Fixture.get("refuse-data-file"));
        CliTest.Run d = qmig("info", dataFile.toString());
        assertThat(d.code()).isEqualTo(1);
        assertThat(d.err()).isEqualTo("qmig: " + dataFile + ": the image has an external data file "
                + "'refuse-data-file.raw' (incompatible feature bit 2): its clusters live in that file, and QEMU makes no "
                + "internal snapshots in such images at byte 0x48\n");
        Path aes = image(Qcow2Fixture.get("refuse-aes"));
        CliTest.Run a = qmig("validate", aes + "@1");
        assertThat(a.code()).isEqualTo(1);
        assertThat(a.out()).contains("the image is encrypted (crypt_method 1, AES)").contains("[qcow2-unsupported]");
    }
}
