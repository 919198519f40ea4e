package io.github.qmig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.cli.CliTest.Run;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.github.qmig.cli.CliTest.qmig;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code qmig compat} with the shipped schemas, as scripts see it: verdicts, JSON, exit codes 0 to 3. */
class CompatCommandTest {

    @TempDir
    Path tmp;

    private static String compat(String name) {
        return Fixtures.testdataDir().resolve("compat").resolve(name).toString();
    }

    private static String schemas(String version) {
        return compat("schemas/qemu-" + version);
    }

    @Test
    void aQemu72SaveIsCompatibleWithQemu10AsFarAsItsSchemaTells() {
        Run r = qmig("compat", compat("q72-pc-7.2-devices.mig.zst"), "--schema", schemas("10.0.2"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("[ram-blocks-unchecked]").contains("[sections-unchecked]")
                .contains(": COMPATIBLE with QEMU 10.0.2, machine pc-i440fx-7.2 as far as checked");
    }

    @Test
    void anUnknownSubsectionIsTheFirstErrorInJson() throws IOException {
        Run r = qmig("compat", "--json", compat("q10-pc-7.2-pic-ltim.mig.zst"), "--schema", schemas("7.2.22"));
        assertThat(r.code()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("compatible").asBoolean()).isFalse();
        assertThat(j.get("target").get("qemu_version").asText()).isEqualTo("7.2.22");
        JsonNode first = j.get("problems").get(0);
        assertThat(first.get("code").asText()).isEqualTo("subsection-unknown");
        assertThat(first.get("section").asText()).isEqualTo("i8259");
        assertThat(first.get("instance").asInt()).isZero();
        assertThat(first.get("offset").asLong()).isPositive();
        assertThat(first.get("message").asText()).contains("i8259/ltim")
                .contains("error while loading state for instance 0x0 of device 'i8259'");
    }

    @Test
    void aMachineTypeTheTargetLacksAndTheCapabilitiesItIsGiven() {
        Run r = qmig("compat", Fixtures.testdataDir().resolve("x86-pc-128M-paused.mig.zst").toString(), "--schema",
                schemas("7.2.22"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("QEMU 7.2.22 has no machine type pc-i440fx-10.0").contains("[machine-unknown]");
        Run mapped = qmig("compat", Fixtures.testdataDir().resolve("x86-pc-128M-mapped-ram.mig.zst").toString(),
                "--schema", schemas("10.0.2"));
        assertThat(mapped.code()).isEqualTo(1);
        assertThat(mapped.out()).contains("Capability mapped-ram is off, but received capability is on");
        Run given = qmig("compat", Fixtures.testdataDir().resolve("x86-pc-128M-mapped-ram.mig.zst").toString(),
                "--schema", schemas("10.0.2"), "--capability", "mapped-ram");
        assertThat(given.code()).as(given.out()).isZero();
    }

    @Test
    void aSchemaFileNeedsItsReleaseAndTheTargetArgsSayItsMigrationProperties() throws IOException {
        String file = compat("q10-pc-10.0-no-config.mig.zst");
        String dump = schemas("10.0.2") + "/pc-i440fx-10.0.vmstate.json.zst";
        assertThat(qmig("compat", file, "--schema", dump, "--machine", "pc-i440fx-10.0").code()).isEqualTo(2);
        Run missing = qmig("compat", file, "--schema", dump, "--qemu-version", "10.0.2", "--machine", "pc-i440fx-10.0");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).contains("(QEMU: Configuration section missing)");
        Run off = qmig("compat", file, "--schema", dump, "--qemu-version", "10.0.2", "--",
                "-machine", "pc-i440fx-10.0", "-global", "migration.send-configuration=off");
        assertThat(off.code()).as(off.out()).isZero();
        assertThat(off.out()).contains("[machine-not-compared]");
    }

    @Test
    void usageErrorsExitWith2() {
        String file = compat("q72-pc-7.2-devices.mig.zst");
        assertThat(qmig("compat", file).code()).as("neither --qemu nor --schema").isEqualTo(2);
        assertThat(qmig("compat", file, "--qemu", "q", "--schema", "s").code()).isEqualTo(2);
        Run noDash = qmig("compat", file, "--schema", schemas("10.0.2"), "-m128M");
        assertThat(noDash.code()).isEqualTo(2);
        Run extra = qmig("compat", file, "extra", "--schema", schemas("10.0.2"));
        assertThat(extra.code()).isEqualTo(2);
        assertThat(extra.err()).contains("the target's command line goes after --");
        assertThat(qmig("compat", file, "--qemu", "q", "--qemu-version", "9.2").code()).isEqualTo(2);
        Run noMachine = qmig("compat", compat("q10-pc-10.0-no-config.mig.zst"), "--schema", schemas("10.0.2"));
        assertThat(noMachine.code()).isEqualTo(2);
        assertThat(noMachine.err()).contains("names no machine type");
        assertThat(qmig("compat", file, "--schema", schemas("10.0.2"), "--machine", "pc", "--",
                "-machine", "q35").code()).as("two machine types").isEqualTo(2);
    }

    @Test
    void whatCannotBeReadExitsWith3OnOneLine() throws IOException {
        String file = compat("q72-pc-7.2-devices.mig.zst");
        Run noFile = qmig("compat", tmp.resolve("none.mig").toString(), "--schema", schemas("10.0.2"));
        assertThat(noFile.code()).isEqualTo(3);
        assertThat(noFile.err().strip()).endsWith("none.mig: no such file").doesNotContain("\n");
        Run noQemu = qmig("compat", file, "--qemu", tmp.resolve("qemu-system-none").toString());
        assertThat(noQemu.code()).isEqualTo(3);
        assertThat(noQemu.err()).startsWith("qmig: cannot run ");
        Path notSchema = Files.writeString(tmp.resolve("dump.json"), "[1]");
        Run bad = qmig("compat", file, "--schema", notSchema.toString(), "--qemu-version", "10.0.2");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err().strip()).isEqualTo("qmig: " + notSchema + ": not a vmstate schema: the root is not an "
                + "object at byte 0x0");
    }

    @Test
    void aFileCutShortIsIncompatibleWithTheReadersError() throws IOException {
        Path cut = tmp.resolve("cut.mig");
        try (InputStream in = Fixtures.openDecompressed(Path.of(compat("q10-pc-9.2.mig.zst")))) {
            Files.write(cut, in.readNBytes(1 << 20));
        }
        Run r = qmig("compat", "--json", cut.toString(), "--schema", schemas("10.0.2"));
        assertThat(r.code()).isEqualTo(1);
        JsonNode first = new ObjectMapper().readTree(r.out()).get("problems").get(0);
        assertThat(first.get("code").asText()).isEqualTo("file-invalid");
        assertThat(first.get("offset").asLong()).isEqualTo(1 << 20);
        assertThat(first.get("section").asText()).isEqualTo("ram");
        assertThat(first.get("message").asText()).contains("(qmig validate: truncated)");
    }
}
