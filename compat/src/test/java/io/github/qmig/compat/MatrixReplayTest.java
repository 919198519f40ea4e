package io.github.qmig.compat;

import io.github.qmig.compat.CompatMatrix.Row;
import io.github.qmig.compat.qemu.Target;
import io.github.qmig.compat.qemu.Targets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.github.qmig.compat.CompatCode.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every row of testdata/compat/matrix.json replayed: a real save checked against the target real
 * QEMU loaded it into, known from that binary's shipped schema directory and the target's recorded
 * probe. The verdict must be QEMU's, a refusal's first error must be of the kind QEMU's error is and
 * name what QEMU's error names (its message contains QEMU's), and a file that loads has no error at
 * all. The same rows through {@code --schema} alone: the verdict is QEMU's where a schema can decide,
 * and where it cannot (RAM blocks, devices, field layouts of a configured target) there is no error
 * but an {@code info} saying what was not checked.
 */
class MatrixReplayTest {

    /** The first error qmig must give for each kind of refusal the matrix records. */
    private static final Map<String, Set<CompatCode>> FIRST = Map.ofEntries(
            Map.entry("machine-type", Set.of(MACHINE_MISMATCH)),
            Map.entry("machine-unknown", Set.of(MACHINE_UNKNOWN)),
            Map.entry("device-unknown", Set.of(TARGET_START_FAILED)),
            Map.entry("ram-block", Set.of(RAM_BLOCK_UNKNOWN)),
            Map.entry("ram-size", Set.of(RAM_BLOCK_SIZE)),
            Map.entry("section", Set.of(SECTION_UNKNOWN)),
            Map.entry("subsection", Set.of(SUBSECTION_UNKNOWN)),
            Map.entry("field-layout", Set.of(FIELD_LAYOUT_MISMATCH)),
            Map.entry("configuration", Set.of(CONFIGURATION_MISSING, CONFIGURATION_UNEXPECTED)),
            Map.entry("footer", Set.of(FOOTER_MISSING, FOOTER_UNEXPECTED)),
            Map.entry("record-kind", Set.of(RAM_RECORD_UNSUPPORTED, COMMAND_UNSUPPORTED)),
            Map.entry("capability", Set.of(CAPABILITY_MISMATCH)),
            Map.entry("setup-failed", Set.of(CAPABILITY_UNSUPPORTED)));

    /** What a schema alone cannot decide, and the info that says so. */
    private static final Map<String, CompatCode> UNDECIDED = Map.of(
            "ram-block", RAM_BLOCKS_UNCHECKED,
            "ram-size", RAM_BLOCKS_UNCHECKED,
            "section", SECTIONS_UNCHECKED,
            "device-unknown", SECTIONS_UNCHECKED,
            "field-layout", FIELDS_UNCHECKED);

    static List<Row> rows() {
        return CompatMatrix.rows();
    }

    private static Target offline(Row row) throws IOException {
        TargetRequest r = new TargetRequest.Saved(CompatMatrix.schemaDir(row), null, row.machine(), row.args(),
                row.capabilities());
        return Targets.resolve(r, row.machine(), CompatOptions.defaults());
    }

    private static CompatReport check(Row row, Target target) {
        return Compat.check(row.file(), CompatMatrix.facts(row), CompatMatrix.unreadable(row), target);
    }

    private static List<CompatProblem> errors(CompatReport r) {
        return r.problems().stream().filter(p -> p.severity() == Severity.ERROR).toList();
    }

    private static String codes(CompatReport r) {
        return r.problems().stream().map(p -> p.code().id() + ": " + p.describe()).collect(Collectors.joining("\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void probedTargetGetsQemusVerdictAndReason(Row row) throws IOException {
        Target t = offline(row);
        boolean starts = t.machineKnown().orElse(true);
        Target probed = new Target(t.version(), t.machine(), t.machines(), t.schema(), t.args(), t.capabilities(),
                starts ? CompatMatrix.probe(row) : null);
        CompatReport r = check(row, probed);
        assertThat(r.compatible()).as("%s: QEMU %s; qmig says:%n%s", row.id(), row.verdict(), codes(r))
                .isEqualTo(row.loads());
        if (row.loads()) {
            assertThat(r.problems()).as(row.id()).noneMatch(p -> p.severity() == Severity.WARNING
                    && p.code() != MACHINE_DEPRECATED);
            return;
        }
        CompatProblem first = errors(r).get(0);
        assertThat(FIRST.get(row.check())).as("%s: first error of%n%s", row.id(), codes(r)).contains(first.code());
        String qemu = row.error().replaceFirst("^migrate-set-capabilities: ", "");
        if (row.check().equals("field-layout") && !qemu.startsWith("Missing section footer")) {
            // QEMU out of step reads a byte of field data as a record type: which one depends on the data
            assertThat(first.message()).as(row.id()).contains("an unknown section type");
        } else {
            assertThat(first.message()).as(row.id()).contains(qemu);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void schemaAloneDecidesWhatItCanAndSaysWhatItCannot(Row row) throws IOException {
        CompatReport r = check(row, offline(row));
        CompatCode undecided = UNDECIDED.get(row.check());
        if (undecided == null) {
            assertThat(r.compatible()).as("%s: QEMU %s; qmig --schema says:%n%s", row.id(), row.verdict(), codes(r))
                    .isEqualTo(row.loads());
            if (!row.loads()) {
                assertThat(FIRST.get(row.check())).as("%s:%n%s", row.id(), codes(r)).contains(errors(r).get(0).code());
            }
        } else {
            assertThat(r.compatible()).as("%s: no false alarm without a probe:%n%s", row.id(), codes(r)).isTrue();
            assertThat(r.problems()).as(row.id()).anyMatch(p -> p.code() == undecided);
        }
    }
}
