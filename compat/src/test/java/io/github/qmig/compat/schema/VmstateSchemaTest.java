package io.github.qmig.compat.schema;

import io.github.qmig.codec.ReadLimits;
import io.github.qmig.compat.TargetException;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped -dump-vmstate schemas of QEMU 10.0.2 and 7.2.22, read as the checks use them; and bad input. */
class VmstateSchemaTest {

    private static Path dir(String version) {
        return Fixtures.testdataDir().resolve("compat/schemas/qemu-" + version);
    }

    private static VmstateSchema read(String version, String machine) throws IOException {
        return VmstateSchema.read(dir(version).resolve(machine + ".vmstate.json.zst"), ReadLimits.defaults());
    }

    private static byte[] raw(String version, String machine) throws IOException {
        try (InputStream in = Fixtures.openDecompressed(dir(version).resolve(machine + ".vmstate.json.zst"))) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsWhatQemu10AndQemu72Accept() throws IOException {
        VmstateSchema q10 = read("10.0.2", "pc-i440fx-10.0");
        VmstateSchema q72 = read("7.2.22", "pc-i440fx-7.2");
        assertThat(q10.machine()).isEqualTo("pc-i440fx-10.0");
        assertThat(q10.typeCount()).isEqualTo(225);
        assertThat(q72.typeCount()).isEqualTo(210);
        SchemaVmsd rtl = q10.vmsds("rtl8139").get(0);
        assertThat(rtl.versionId()).isEqualTo(5);
        assertThat(rtl.minimumVersionId()).isEqualTo(3);
        assertThat(rtl.accepts(3)).isTrue();
        assertThat(rtl.accepts(2)).isFalse();
        // QEMU 10 added i8259/ltim; 7.2 has no subsection of i8259 at all
        assertThat(q10.vmsds("i8259").get(0).subsection("i8259/ltim")).isNotNull();
        assertThat(q72.vmsds("i8259")).allMatch(v -> v.subsection("i8259/ltim") == null);
        // a field a target's own property decides (hw_compat_7_2: migrate-timadj=off)
        assertThat(q10.vmsds("e1000e").get(0).fields()).anyMatch(f -> f.name().equals("core.timadj") && f.fieldExists());
        // types share descriptions: e1000, e1000-82544gc and e1000-82545em are one vmsd
        assertThat(q10.hasType("e1000-82544gc")).isTrue();
        assertThat(q10.vmsds("e1000")).hasSize(1);
        assertThat(q10.hasType("igb")).isTrue();
        assertThat(q72.hasType("igb")).isFalse();
        // non-device state is in no dump
        assertThat(q10.vmsds("cpu")).isEmpty();
        assertThat(q10.vmsds("ram")).isEmpty();
    }

    @Test
    void nestedStructsAreDescribedAtTheirOwnVersion() throws IOException {
        SchemaVmsd esp10 = read("10.0.2", "pc-i440fx-7.2").vmsds("pciespscsi").get(0).struct("esp");
        SchemaVmsd esp72 = read("7.2.22", "pc-i440fx-7.2").vmsds("pciespscsi").get(0).struct("esp");
        assertThat(esp10.versionId()).isEqualTo(7);
        assertThat(esp72.versionId()).isEqualTo(6);
    }

    @Test
    void theContentDoesNotDependOnTheMachineType() throws IOException {
        for (String v : List.of("10.0.2", "7.2.22")) {
            List<Path> dumps;
            try (Stream<Path> s = Files.list(dir(v))) {
                dumps = s.filter(p -> p.toString().endsWith(".vmstate.json.zst")).sorted().toList();
            }
            VmstateSchema first = VmstateSchema.read(dumps.get(0), ReadLimits.defaults());
            for (Path p : dumps) {
                VmstateSchema other = VmstateSchema.read(p, ReadLimits.defaults());
                assertThat(other.machine()).isEqualTo(p.getFileName().toString().replace(".vmstate.json.zst", ""));
                assertThat(other.vmsdNames()).isEqualTo(first.vmsdNames());
                for (String n : first.vmsdNames()) {
                    assertThat(other.vmsds(n)).as(p + " " + n).isEqualTo(first.vmsds(n));
                }
            }
        }
    }

    @Test
    void plainJsonReadsAsTheCompressedFileDoes(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path plain = tmp.resolve("dump.json");
        Files.write(plain, raw("7.2.22", "pc-q35-7.2"));
        VmstateSchema s = VmstateSchema.read(plain, ReadLimits.defaults());
        assertThat(s.vmsdNames()).isEqualTo(read("7.2.22", "pc-q35-7.2").vmsdNames());
    }

    @Test
    void everyLimitHoldsOnTheRealSchema() throws IOException {
        byte[] json = raw("10.0.2", "pc-i440fx-10.0");
        assertThatThrownBy(() -> SchemaParser.parse(json, "d.json", ReadLimits.builder().maxSchemaBytes(1000).build()))
                .isInstanceOf(TargetException.class).hasMessageContaining("limit 1000");
        assertThatThrownBy(() -> SchemaParser.parse(json, "d.json", ReadLimits.builder().maxSchemaNodes(5000).build()))
                .isInstanceOf(TargetException.class).hasMessageContaining("more than 5000 JSON values");
        assertThatThrownBy(() -> SchemaParser.parse(json, "d.json", ReadLimits.builder().maxVmDescriptionDepth(2).build()))
                .isInstanceOf(TargetException.class).hasMessageContaining("nested deeper than 2");
        assertThatThrownBy(() -> SchemaParser.parse(json, "d.json", ReadLimits.builder().maxStringLength(8).build()))
                .isInstanceOf(TargetException.class).hasMessageContaining("beyond the limits");
    }

    @Test
    void notASchemaIsOneLineWithTheByte() {
        assertThatThrownBy(() -> parse("[1, 2]")).hasMessage("d.json: not a vmstate schema: the root is not an object at byte 0x0");
        assertThatThrownBy(() -> parse("{\"e1000\": {\"Description\": {\"version_id\": 1}}}"))
                .hasMessageContaining("a vmstate description without name at byte 0x2a");
        assertThatThrownBy(() -> parse("{\"x\": {\"Description\": {\"name\": \"x\", \"version_id\": \"3\"}}}"))
                .hasMessageContaining("version_id is not a 32-bit integer");
        assertThatThrownBy(() -> parse("{\"x\": {\"Description\": {\"name\": \"x\", \"Fields\": [1]}}}"))
                .hasMessageContaining("Fields holds something else than objects");
        assertThatThrownBy(() -> parse("{\"x\": {\"Name\": \"x\"}}")).hasMessageContaining("type 'x' without Description");
        assertThatThrownBy(() -> parse("{\"x\": ")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{} {}")).hasMessageContaining("bytes after the root object");
    }

    @Test
    void keysOfALaterQemuAreSkipped() throws TargetException {
        VmstateSchema s = parse("{\"vmschkmachine\": {\"Name\": \"m\", \"New\": [1, {\"a\": []}]}, \"t\": {\"Name\": "
                + "\"t\", \"Extra\": {\"deep\": [[1]]}, \"Description\": {\"name\": \"v\", \"version_id\": 2, "
                + "\"minimum_version_id\": 1, \"Fields\": [{\"field\": \"f\", \"version_id\": 0, \"field_exists\": "
                + "false, \"size\": 4, \"flags\": 7}]}}}");
        assertThat(s.machine()).isEqualTo("m");
        assertThat(s.vmsds("v").get(0).fields().get(0)).isEqualTo(new SchemaField("f", 0, false, -1, 4, null));
    }

    private static VmstateSchema parse(String json) throws TargetException {
        return SchemaParser.parse(json.getBytes(StandardCharsets.UTF_8), "d.json", ReadLimits.defaults());
    }
}
