package io.github.qmig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {

    @TempDir
    static Path dir;

    static String good;
    static Path cut;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QmigCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void files() throws IOException {
        Path zst = Fixtures.get("x86-pc-128M-paused").compressed();
        good = zst.toString();
        cut = dir.resolve("cut.mig");
        try (InputStream in = Fixtures.openDecompressed(zst)) {
            Files.write(cut, in.readNBytes(100_000));
        }
    }

    @Test
    void validFileExitsZero() {
        Run r = run("validate", good);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains(good + ": valid (0 errors");
    }

    @Test
    void truncatedFileExitsOneWithOffset() {
        Run r = run("validate", cut.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains(cut + ": error: ").contains(" at byte 0x186a0").contains("[truncated]")
                .contains(cut + ": INVALID (1 error");
        assertThat(r.out() + r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void jsonForSeveralFilesIsAnArrayAndAllAreReported() throws IOException {
        Run r = run("validate", "--json", cut.toString(), good);
        assertThat(r.code()).isEqualTo(1);
        JsonNode a = new ObjectMapper().readTree(r.out());
        assertThat(a.isArray()).isTrue();
        assertThat(a).hasSize(2);
        JsonNode bad = a.get(0);
        assertThat(bad.get("file").asText()).isEqualTo(cut.toString());
        assertThat(bad.get("valid").asBoolean()).isFalse();
        JsonNode p = bad.get("problems").get(0);
        assertThat(p.get("severity").asText()).isEqualTo("error");
        assertThat(p.get("offset").asLong()).isEqualTo(100_000);
        assertThat(p.get("code").asText()).isEqualTo("truncated");
        assertThat(p.get("section").get("name").asText()).isEqualTo("ram");
        assertThat(p.has("message")).isTrue();
        assertThat(bad.get("summary").get("errors").asInt()).isEqualTo(1);
        assertThat(a.get(1).get("valid").asBoolean()).isTrue();
        assertThat(a.get(1).get("summary").get("input").asText()).isEqualTo("zstd");
    }

    @Test
    void writesAJUnitReport() throws Exception {
        Path xml = dir.resolve("report.xml");
        Run r = run("validate", "--junit", xml.toString(), good, cut.toString());
        assertThat(r.code()).isEqualTo(1);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        var suites = d.getDocumentElement();
        assertThat(suites.getTagName()).isEqualTo("testsuites");
        assertThat(suites.getAttribute("tests")).isEqualTo("2");
        assertThat(suites.getAttribute("failures")).isEqualTo("1");
        assertThat(d.getElementsByTagName("testcase").getLength()).isEqualTo(2);
        var failure = (org.w3c.dom.Element) d.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("truncated");
        assertThat(failure.getAttribute("message")).contains("at byte 0x186a0");
    }

    @Test
    void missingFileExitsThreeAndTheOthersAreStillReported() {
        Run r = run("validate", dir.resolve("nope.mig").toString(), good);
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).contains("nope.mig: error: cannot read: no such file [io-error]")
                .contains(good + ": valid");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("validate").code()).isEqualTo(2);
        assertThat(run("validate", "--no-such-option", good).code()).isEqualTo(2);
    }

    @Test
    void strictTurnsWarningsIntoErrors() {
        String noFooters = Fixtures.get("x86-pc-128M-no-footers").compressed().toString();
        assertThat(run("validate", noFooters).code()).isZero();
        Run strict = run("validate", "--strict", noFooters);
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.out()).contains("error: no section has a footer").contains("[footers-absent]");
    }

    /**
     * A genuine pc-i440fx-1.4 save (QEMU 7.2) has no configuration, footers or globalstate, as its
     * machine type's compatibility says: an info, so --strict passes it; a 10.0 machine without
     * footers is still judged.
     */
    @Test
    void strictJudgesTheKnobsByTheMachineType() {
        String old = Fixtures.get("x86-pc14-128M-qemu72").compressed().toString();
        Run strict = run("validate", "--strict", old);
        assertThat(strict.code()).as(strict.out()).isZero();
        assertThat(strict.out()).contains("info: no CONFIGURATION record, no section footers, no globalstate: what QEMU "
                + "writes for machine types 2.3 and older").contains("[legacy-machine]")
                .doesNotContain("configuration-missing").doesNotContain("footers-absent");
        String noFooters = Fixtures.get("x86-pc-128M-no-footers").compressed().toString();
        assertThat(run("validate", "--strict", noFooters).out()).doesNotContain("legacy-machine");
    }

    @Test
    void helpListsTheExitCodes() {
        Run r = run("validate", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Exit codes:").contains("0").contains("1").contains("2")
                .contains("3   I/O or internal error");
    }
}
