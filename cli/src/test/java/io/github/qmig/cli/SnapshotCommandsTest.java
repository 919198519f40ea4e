package io.github.qmig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.series.SeriesMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * diff, delta, apply and chain as scripts see them, on the series of saves of one running guest:
 * exit codes (diff: 0 identical, 1 different, 4 a damaged file), the JSON contract, and refusals
 * that leave no output.
 */
class SnapshotCommandsTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run qmig(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QmigCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static final Path SERIES = Fixtures.testdataDir().resolve("series");

    private static SeriesMetadata series() {
        return SeriesMetadata.read(SERIES.resolve("series.json"));
    }

    private Path save(int i) throws IOException {
        String name = series().saves().get(i).fixture();
        Path p = tmp.resolve(name + ".mig");
        return Files.exists(p) ? p : Fixtures.decompress(SERIES.resolve(name + Fixtures.SUFFIX), p);
    }

    @Test
    void diffExitsLikeDiffAndItsJsonHasTheContractFields() throws IOException {
        SeriesMetadata.Pair pair = series().pair(0, 1).orElseThrow();
        Run r = qmig("diff", "--json", save(0).toString(), save(1).toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("identical").asBoolean()).isFalse();
        JsonNode ram = j.get("ram").get(0);
        assertThat(ram.get("block").asText()).isEqualTo("pc.ram");
        assertThat(ram.get("page_size").asInt()).isEqualTo(4096);
        assertThat(ram.get("pages_differ").asLong()).isEqualTo(pair.changedPages());
        assertThat(ram.get("ranges").get(1).get(0).asLong()).isEqualTo(pair.blocks().get(0).blockRanges().get(1)[0]);
        assertThat(j.get("blocks_only_in_a")).isEmpty();
        assertThat(j.get("blocks_only_in_b")).isEmpty();
        assertThat(j.get("configuration")).isEmpty();
        JsonNode timer = j.get("devices").get(0);
        assertThat(timer.get("section").asText()).isEqualTo("timer");
        assertThat(timer.get("change").asText()).isEqualTo("changed");
        assertThat(timer.get("fields").get(0).get("path").asText()).isEqualTo("cpu_ticks_offset");
        assertThat(timer.get("fields").get(0).get("new").asText()).isEqualTo(pair.devices().get(0).fields().get(0).b());

        Run human = qmig("diff", "--pages", save(0).toString(), save(1).toString());
        assertThat(human.code()).isEqualTo(1);
        assertThat(human.out()).startsWith("RAM: " + pair.changedPages() + " pages differ (page inconsistencies)")
                .contains("    0x1535000 +0xf8000").contains("timer (0): changed");

        Run same = qmig("diff", save(2).toString(), SERIES.resolve(series().saves().get(2).fixture() + Fixtures.SUFFIX).toString());
        assertThat(same.code()).isZero();
        assertThat(same.out()).startsWith("identical");

        Path cut = Files.write(tmp.resolve("cut.mig"), Arrays.copyOf(Files.readAllBytes(save(1)), 100_000));
        Run bad = qmig("diff", save(0).toString(), cut.toString());
        assertThat(bad.code()).as("a damaged input is neither 0 nor 1").isEqualTo(4);
        assertThat(bad.err()).startsWith("qmig: " + cut + ": input ends");
        assertThat(qmig("diff", save(0).toString(), tmp.resolve("none.mig").toString()).code()).isEqualTo(3);
        assertThat(qmig("diff", save(0).toString()).code()).isEqualTo(2);
    }

    @Test
    void deltaThenApplyGivesTheSaveAndWrongLinksExitOneWithNoOutput() throws IOException {
        Path d01 = tmp.resolve("d01.qinc");
        Path d12 = tmp.resolve("d12.qinc");
        assertThat(qmig("delta", "--no-sync", "--base", save(0).toString(), save(1).toString(), "-o", d01.toString()).code()).isZero();
        Run delta = qmig("delta", "--base", save(1).toString(), save(2).toString(), "-o", d12.toString());
        assertThat(delta.code()).as(delta.err()).isZero();
        assertThat(delta.out()).contains(series().pair(1, 2).orElseThrow().changedPages() + " pages");

        Run info = qmig("info", "--json", d12.toString());
        JsonNode j = new ObjectMapper().readTree(info.out());
        assertThat(j.at("/source/kind").asText()).isEqualTo("increment");
        assertThat(j.at("/increment/pages").asLong()).isEqualTo(series().pair(1, 2).orElseThrow().changedPages());
        assertThat(qmig("validate", d12.toString()).code()).as("an increment is valid without every page").isZero();
        assertThat(qmig("dump", d12.toString()).out()).contains("\"increment\"");

        Path out = tmp.resolve("out.mig");
        for (String layout : new String[] {"stream", "mapped-ram"}) {
            Run r = qmig("apply", "--no-sync", "--to", layout, save(0).toString(), d01.toString(), d12.toString(), "-o", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(qmig("diff", out.toString(), save(2).toString()).code()).as(layout).isZero();
            Files.delete(out);
        }
        Run reordered = qmig("apply", save(0).toString(), d12.toString(), d01.toString(), "-o", out.toString());
        assertThat(reordered.code()).isEqualTo(1);
        assertThat(reordered.err()).startsWith("qmig: " + d01 + ": based on state").contains(d12.toString());
        Run missing = qmig("apply", save(0).toString(), d12.toString(), "-o", out.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("qmig: " + save(0) + ": its state is").contains("not the base of that increment");
        byte[] b = Files.readAllBytes(d12);
        b[b.length - 100] ^= 1;
        Path flipped = Files.write(tmp.resolve("flipped.qinc"), b);
        Run damaged = qmig("apply", save(1).toString(), flipped.toString(), "-o", out.toString());
        assertThat(damaged.code()).isEqualTo(1);
        assertThat(damaged.err()).startsWith("qmig: " + flipped + ": the increment's stream does not match its digest");
        assertThat(out).doesNotExist();
        assertThat(qmig("apply", save(0).toString(), d01.toString(), "--to", "mapped-ram", "-o", "-").code()).isEqualTo(2);
    }

    @Test
    void aChainFromInitToVerify() throws IOException {
        Path dir = tmp.resolve("chain");
        assertThat(qmig("chain", "init", "--no-sync", dir.toString(), save(0).toString()).code()).isZero();
        for (int i = 1; i <= 3; i++) {
            Run push = qmig("chain", "push", "--no-sync", dir.toString(), save(i).toString());
            assertThat(push.code()).as(push.err()).isZero();
            assertThat(push.out()).contains("level " + i + ", " + series().pair(i - 1, i).orElseThrow().changedPages() + " pages differ");
        }
        JsonNode list = new ObjectMapper().readTree(qmig("chain", "list", "--json", dir.toString()).out());
        assertThat(list.get("levels")).hasSize(4);
        assertThat(list.get("ratio").asDouble()).isBetween(0.0, 0.5);
        Run verify = qmig("chain", "verify", dir.toString());
        assertThat(verify.code()).isZero();
        assertThat(verify.out()).contains("chain ok");
        Path out = tmp.resolve("level2.mig");
        assertThat(qmig("chain", "restore", "--level", "2", dir.toString(), "-o", out.toString()).code()).isZero();
        assertThat(qmig("diff", out.toString(), save(2).toString()).code()).isZero();
        assertThat(qmig("chain", "restore", "--level", "9", dir.toString(), "-o", out.toString()).code()).isEqualTo(2);
        assertThat(qmig("chain", "pop", dir.toString()).code()).isZero();
        assertThat(qmig("chain", "verify", "--json", dir.toString()).out()).contains("\"ok\" : true");
        Path level1 = dir.resolve("level-0001.qinc");
        byte[] b = Files.readAllBytes(level1);
        b[b.length / 3] ^= 8;
        Files.write(level1, b);
        Run broken = qmig("chain", "verify", dir.toString());
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("FAIL").contains("chain DAMAGED");
        assertThat(qmig("chain", "init", dir.toString(), save(0).toString()).err()).contains("already holds a chain");
        assertThat(qmig("chain", "list", tmp.resolve("nochain").toString()).code()).isEqualTo(3);
    }
}
