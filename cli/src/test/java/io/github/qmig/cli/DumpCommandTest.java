package io.github.qmig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code qmig dump} in-process on real QEMU files. */
class DumpCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QmigCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private static String fixture(String name) {
        return Fixtures.get(name).compressed().toString();
    }

    @Test
    void analyzeMigrationFormat() throws Exception {
        Result r = run("dump", "--format", "analyze-migration", fixture("x86-q35-128M-paused"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\n    \"ram (1)\": {\n        \"section sizes\": {\n");
        JsonNode state = new ObjectMapper().readTree(r.out());
        assertThat(state.at("/cpu_common (3)/halted").asText()).matches("0x[0-9a-f]{8}");
    }

    @Test
    void qmigFormatIsTheDefault() throws Exception {
        Result r = run("dump", fixture("x86-pc-128M-paused"));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode dump = new ObjectMapper().readTree(r.out());
        assertThat(dump.at("/configuration/machine").asText()).isEqualTo("pc-i440fx-10.0");
        assertThat(dump.at("/records/0/ram/blocks/0/name").asText()).isEqualTo("pc.ram");
        assertThat(dump.get("ram_blocks")).hasSize(6);
    }

    @Test
    void descPrintsTheVmDescription() throws Exception {
        Result r = run("dump", "--desc", fixture("x86-pc-128M-paused"));
        assertThat(r.code()).isZero();
        JsonNode desc = new ObjectMapper().readTree(r.out());
        assertThat(desc.get("page_size").asInt()).isEqualTo(4096);
        assertThat(r.out()).contains("\n    \"page_size\": 4096,\n");
    }

    @Test
    void fileWithoutVmDescriptionStillDumps() {
        Result state = run("dump", "--format", "analyze-migration", fixture("x86-pc-128M-no-vmdesc"));
        assertThat(state.code()).isZero();
        assertThat(state.out()).contains("\"cpu_common (3)\": \"00 00 00 01 00 00 00 00\"");
        Result desc = run("dump", "--desc", fixture("x86-pc-128M-no-vmdesc"));
        assertThat(desc.code()).isZero();
        assertThat(desc.out()).isEqualTo("null\n");
        assertThat(desc.err()).contains("no VMDESCRIPTION");
    }

    @Test
    void errors() {
        assertThat(run("dump", "--format", "xml", fixture("x86-pc-128M-paused")).code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run("dump", "/nonexistent/file.mig").code()).isEqualTo(ExitCode.IO_ERROR.code());
        Result bad = run("dump", Fixtures.testdataDir().resolve("README.md").toString());
        assertThat(bad.code()).isEqualTo(ExitCode.INVALID.code());
        assertThat(bad.err()).contains("not a migration stream");
    }
}
