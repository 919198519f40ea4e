package io.github.qmig.compat;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's two forms: --json with exactly its stable fields, and the text lines. */
class CompatReportTest {

    private static final CompatReport REPORT = new CompatReport("vm.mig", "7.2.22", "pc-i440fx-7.2", true, List.of(
            new CompatProblem(CompatCode.SUBSECTION_UNKNOWN, "i8259", 0, 0x8bf755, "i8259/ltim is unknown (QEMU: x)"),
            new CompatProblem(CompatCode.MACHINE_DEPRECATED, null, -1, -1, "deprecated"),
            new CompatProblem(CompatCode.FIELDS_UNCHECKED, null, -1, -1, "not compared")));

    @Test
    void jsonHasExactlyTheStableFields() {
        Map<String, Object> json = REPORT.toJson();
        assertThat(json).containsOnlyKeys("compatible", "target", "problems");
        assertThat(json.get("compatible")).isEqualTo(false);
        assertThat(json.get("target")).isEqualTo(Map.of("qemu_version", "7.2.22", "machine", "pc-i440fx-7.2"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> problems = (List<Map<String, Object>>) json.get("problems");
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).containsExactly(Map.entry("code", "subsection-unknown"),
                Map.entry("severity", "error"), Map.entry("section", "i8259"), Map.entry("instance", 0L),
                Map.entry("offset", 0x8bf755L), Map.entry("message", "i8259/ltim is unknown (QEMU: x)"));
        assertThat(problems.get(1)).containsEntry("section", null).containsEntry("instance", null)
                .containsEntry("offset", null).containsEntry("severity", "warning");
    }

    @Test
    void textListsEveryProblemThenTheVerdict() {
        StringWriter w = new StringWriter();
        REPORT.text(new PrintWriter(w, true));
        assertThat(w.toString().lines().toList()).containsExactly(
                "vm.mig: error: i8259/ltim is unknown (QEMU: x) at byte 0x8bf755 in section 'i8259' instance 0 "
                        + "[subsection-unknown]",
                "vm.mig: warning: deprecated [machine-deprecated]",
                "vm.mig: info: not compared [fields-unchecked]",
                "vm.mig: INCOMPATIBLE with QEMU 7.2.22, machine pc-i440fx-7.2, probed: 1 error (QEMU stops at the "
                        + "first), 1 warning");
        StringWriter ok = new StringWriter();
        new CompatReport("vm.mig", "10.0.2", "pc-q35-10.0", false, List.of(REPORT.problems().get(2)))
                .text(new PrintWriter(ok, true));
        assertThat(ok.toString()).endsWith("vm.mig: COMPATIBLE with QEMU 10.0.2, machine pc-q35-10.0 as far as "
                + "checked: 1 check could not be made (info above)\n");
    }
}
