package io.github.qmig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.cli.CliTest.Run;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.TestGuest;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static io.github.qmig.cli.CliTest.qmig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code qmig compat --qemu} with the target's command line after {@code --}, against the
 * installed QEMU 7.2: a QEMU 10 save with a guest-set subsection 7.2 does not know (matrix row
 * ltim&gt;q72, where QEMU 7.2 failed with "error while loading state for instance 0x0 of device
 * 'i8259'"), and the same machine type's save without it, which loads.
 */
class CompatCommandIT {

    @Test
    void aLiveProbeThroughTheCommandLine() throws IOException {
        String qemu = Qemu.qemu72();
        assumeTrue(Qemu.available(qemu), qemu + " not installed");
        String kernel = TestGuest.kernel().toString();
        String[] target = {"--", "-nodefaults", "-m", "128M", "-kernel", kernel, "-append", "fill=8"};
        Run bad = qmig(concat(new String[] {"compat", "--json",
            Fixtures.testdataDir().resolve("compat/q10-pc-7.2-pic-ltim.mig.zst").toString(), "--qemu", qemu}, target));
        assertThat(bad.code()).as(bad.err()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(bad.out());
        assertThat(j.get("target").get("qemu_version").asText()).startsWith("7.2.");
        JsonNode first = j.get("problems").get(0);
        assertThat(first.get("code").asText()).isEqualTo("subsection-unknown");
        assertThat(first.get("message").asText()).contains("error while loading state for instance 0x0 of device 'i8259'");
        Run ok = qmig(concat(new String[] {"compat",
            Fixtures.testdataDir().resolve("compat/q10-pc-7.2-am53c974.mig.zst").toString(), "--qemu", qemu}, concat(
                target, new String[] {"-device", "am53c974,addr=0x5"})));
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("COMPATIBLE with QEMU 7.2.22, machine pc-i440fx-7.2, probed");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
