package io.github.qmig.inspect.dump;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.ramblock.PageTally;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** qmig's own dump format, and the analyze-migration mode on files the script cannot read. */
class QmigDumpRealFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> sections(ObjectNode dump, String type) {
        List<JsonNode> out = new ArrayList<>();
        dump.get("records").forEach(r -> {
            if (r.path("type").asText().equals(type)) {
                out.add(r);
            }
        });
        return out;
    }

    private static JsonNode field(JsonNode state, String name) {
        for (JsonNode f : state.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name);
    }

    private static PageTally.Counts totals(MigrationDump d) {
        return d.ramBlocks().stream().map(RamBlockSummary::pages).reduce(PageTally.Counts.NONE, PageTally.Counts::plus);
    }

    private static long counter(Fixture f, String group, String name) {
        return f.metadata().queryMigrate().path(group).path(name).asLong(-1);
    }

    @Test
    void pausedPcFileIsDecodedWithTypedValues() throws Exception {
        Fixture f = Expected.fixture("x86-pc-128M-paused");
        MigrationDump d = Expected.dumpStream(f);
        ObjectNode root = QmigDumpRenderer.render(d);

        assertThat(root.at("/header/version").asInt()).isEqualTo(3);
        assertThat(root.at("/configuration/machine").asText()).isEqualTo("pc-i440fx-10.0");
        assertThat(root.at("/configuration/state/fields/1/value").asText())
                .as("machine name decoded with the description's configuration entry")
                .isEqualTo(hex("pc-i440fx-10.0"));
        List<JsonNode> full = sections(root, "FULL");
        assertThat(full).hasSize(d.description().devices().size());
        for (JsonNode s : full) {
            assertThat(s.has("state")).as(s.get("idstr").asText()).isTrue();
            assertThat(s.has("decode_error") || s.has("trailing_hex")).isFalse();
            assertThat(s.get("payload_offset").asLong() + s.get("payload_size").asLong())
                    .isEqualTo(s.get("footer_offset").asLong());
        }
        // the same value as the script prints in hex
        JsonNode expected = JSON.readTree(Expected.output(f.name(), "state"));
        JsonNode cpu = full.stream().filter(s -> s.get("idstr").asText().equals("cpu")).findFirst().orElseThrow();
        JsonNode eip = field(cpu.get("state"), "env.eip");
        assertThat(eip.get("type").asText()).isEqualTo("uint64");
        assertThat(Long.toHexString(eip.get("value").asLong()))
                .isEqualTo(expected.at("/cpu (" + cpu.get("section_id").asLong() + ")/env.eip").asText()
                        .replaceFirst("^0x0*", ""));
        assertThat(field(cpu.get("state"), "env.regs").get("value")).hasSize(16);
        // every page of every block was sent once: QEMU's own counters
        PageTally.Counts all = totals(d);
        assertThat(all.page()).isEqualTo(counter(f, "ram", "normal"));
        assertThat(all.zero()).isEqualTo(counter(f, "ram", "duplicate"));
        RamBlockSummary pcRam = d.ramBlocks().get(0);
        assertThat(pcRam.block().idstr()).isEqualTo("pc.ram");
        assertThat(pcRam.pages().page() + pcRam.pages().zero()).isEqualTo(pcRam.block().usedLength() / d.pageSize());
    }

    @Test
    void mappedRamCapabilityAndPagesFromTheBitmaps() throws Exception {
        Fixture f = Expected.fixture("x86-pc-128M-mapped-ram");
        MigrationDump d = Expected.dumpStream(f);
        ObjectNode root = QmigDumpRenderer.render(d);
        assertThat(root.at("/configuration/capabilities/0").asText()).isEqualTo("mapped-ram");
        JsonNode caps = root.at("/configuration/state/subsections/0");
        assertThat(caps.get("name").asText()).isEqualTo("configuration/capabilities");
        assertThat(field(caps, "caps_count").get("value").asLong()).isEqualTo(1);
        assertThat(field(caps, "capabilities").get("value").asText()).isEqualTo("mapped-ram");
        assertThat(totals(d).mapped()).isEqualTo(counter(f, "ram", "normal"));
        assertThat(d.ramBlocks().get(0).mappedRam()).isNotNull();
    }

    @Test
    void xbzrleRecordsAreCounted() throws Exception {
        Fixture f = Expected.fixture("x86-pc-128M-live-xbzrle");
        PageTally.Counts all = totals(Expected.dumpStream(f));
        assertThat(all.xbzrle()).isEqualTo(counter(f, "xbzrle-cache", "pages")).isPositive();
        assertThat(all.page()).isEqualTo(counter(f, "ram", "normal"));
    }

    @Test
    void withoutVmDescriptionSectionsAreHex() throws Exception {
        Fixture f = Fixtures.get("x86-pc-128M-no-vmdesc");
        MigrationDump d = Expected.dumpStream(f);
        assertThat(d.description()).isNull();
        ObjectNode root = QmigDumpRenderer.render(d);
        assertThat(root.get("vmdescription").isNull()).isTrue();
        List<JsonNode> full = sections(root, "FULL");
        assertThat(full).hasSizeGreaterThan(20);
        for (JsonNode s : full) {
            assertThat(s.get("hex").asText()).hasSize(2 * s.get("payload_size").asInt());
        }
        // analyze-migration mode: the same sections as the script prints for a twin file that has
        // a description, each value the payload as the script's spaced hex
        Map<String, Object> state = AnalyzeMigrationRenderer.stateTree(d);
        JsonNode twin = JSON.readTree(Expected.output("x86-pc-128M-paused", "state"));
        assertThat(new ArrayList<>(state.keySet())).isEqualTo(fieldNames(twin));
        assertThat(state.get("cpu_common (3)")).isEqualTo("00 00 00 01 00 00 00 00");
        assertThat(AnalyzeMigrationRenderer.desc(d)).isNull();
    }

    @Test
    void dirtyBitmapSectionsAndPostcopyAdviseDoNotStopTheAnalyzeMode() throws Exception {
        MigrationDump d = Expected.dumpStream(Expected.fixture("x86-pc-128M-dirty-bitmaps"));
        assertThat(d.records()).anyMatch(r -> r instanceof DumpRecord.CommandRecord c
                && c.command().name().equals("POSTCOPY_ADVISE"));
        Map<String, Object> state = AnalyzeMigrationRenderer.stateTree(d);
        JsonNode twin = JSON.readTree(Expected.output("x86-pc-128M-paused", "state"));
        List<String> keys = new ArrayList<>(state.keySet());
        assertThat(keys).filteredOn(k -> k.startsWith("dirty-bitmap")).singleElement()
                .satisfies(k -> assertThat(state.get(k)).isEqualTo(""));
        keys.removeIf(k -> k.startsWith("dirty-bitmap"));
        assertThat(keys).isEqualTo(fieldNames(twin));
        assertThat(state.get("cpu (4)")).isInstanceOf(Map.class);
    }

    @Test
    void streamAtAnOffset(@TempDir Path tmp) throws Exception {
        Fixture f = Fixtures.get("x86-pc-128M-mapped-ram-offset");
        long offset = f.metadata().uriOffset();
        assertThat(offset).isPositive();
        MigrationDump d = Expected.dumpFile(Expected.decompress(f, tmp), offset);
        assertThat(d.header().offset()).isEqualTo(offset);
        JsonNode twin = JSON.readTree(Expected.output("x86-pc-128M-mapped-ram", "state"));
        Map<String, Object> state = AnalyzeMigrationRenderer.stateTree(d);
        assertThat(new ArrayList<>(state.keySet())).isEqualTo(fieldNames(twin));
        JsonNode ram = JSON.valueToTree(state.get("ram (1)"));
        assertThat(ram).isEqualTo(twin.get("ram (1)"));
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> l = new ArrayList<>();
        o.fieldNames().forEachRemaining(l::add);
        return l;
    }

    private static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
