package io.github.qmig.compat;

import io.github.qmig.compat.CompatMatrix.Row;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.TestGuest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Matrix rows against the installed QEMU 10 and QEMU 7.2 with a real probe of each target's
 * command line (no recorded data): the verdict must be the one real QEMU gave loading the file,
 * and a refusal's first error must contain QEMU's error. A probe that fails leaves no QEMU running.
 */
class ProbeIT {

    private static Row row(String id) {
        return CompatMatrix.rows().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    /** The binary of a row on this machine, or the test is skipped (fails with -Dqmig.requireQemu=true). */
    private static String binary(Row row) {
        String b = row.binary().equals(Qemu.QEMU_72_DEFAULT) ? Qemu.qemu72() : row.binary();
        assumeTrue(Qemu.available(b), b + " not installed");
        return Qemu.find(b).orElseThrow().toString();
    }

    /** The target's command line as the matrix started it (testkit's QemuVm defaults, then its args). */
    private static List<String> commandLine(Row row) {
        if (row.args().stream().anyMatch(a -> a.contains("${testdata}/guest/"))) {
            TestGuest.build();
        }
        List<String> args = new ArrayList<>(List.of("-nographic", "-nodefaults", "-accel", "tcg"));
        args.addAll(row.commandLine(Fixtures.testdataDir()));
        return args;
    }

    private static CompatReport check(Row row, String binary, List<String> args, CompatOptions options)
            throws IOException {
        TargetRequest r = new TargetRequest.Binary(binary, row.machine(), args, true, row.capabilities());
        try (MigrationInput in = MigrationInput.open(Fixtures.testdataDir().resolve(row.file()), 0)) {
            return Compat.check(in, r, options);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pc72dev>q72", "pc72dev>q10", "q72pc72dev>q10", "esp>q72", "mapped>q10-mapped",
        "virtio>q10-no-net", "virtio>q10-no-rng", "pc72dev>q72-smp1", "pc100>q10-pc100-256M", "timadj>q72",
        "ltim>q72", "igb>q72-igb", "noconfig>q72-pc72-noconfig", "nofooters>q10-pc100", "compress>q10-pc72",
        "pc100>q72-pc100", "q72pc14>q10-pc24-nocfg-nofooters", "compress>q10-pc72-compress", "xis>q10"})
    void liveProbeGivesQemusVerdictAndReason(String id) throws IOException {
        Row row = row(id);
        CompatReport r = check(row, binary(row), commandLine(row), CompatOptions.defaults());
        assertThat(r.compatible()).as("%s: QEMU %s; qmig: %s", id, row.verdict(), r.problems()).isEqualTo(row.loads());
        if (!row.loads()) {
            CompatProblem first = r.problems().stream().filter(p -> p.severity() == Severity.ERROR).findFirst()
                    .orElseThrow();
            assertThat(first.message()).as(id).contains(row.error().replaceFirst("^migrate-set-capabilities: ", ""));
        } else {
            assertThat(r.probed()).isTrue();
            assertThat(r.problems()).as(id).noneMatch(p -> p.code() == CompatCode.RAM_BLOCKS_UNCHECKED
                    || p.code() == CompatCode.SECTIONS_UNCHECKED);
        }
    }

    @Test
    void aTargetThatFailsToStartIsAVerdictAndLeavesNothingRunning() throws IOException {
        Row row = row("igb>q72-igb");
        String marker = "qmig-it-" + UUID.randomUUID();
        List<String> args = new ArrayList<>(commandLine(row));
        args.addAll(List.of("-name", marker));
        CompatReport r = check(row, binary(row), args, CompatOptions.defaults());
        assertThat(r.problems().get(0).code()).isEqualTo(CompatCode.TARGET_START_FAILED);
        assertThat(r.problems().get(0).message()).contains("'igb' is not a valid device model name");
        assertThat(running(marker)).isEmpty();
    }

    @Test
    void aProbeThatTimesOutEndsTheTargetAndEveryChildOfIt() throws IOException {
        Row row = row("pc72dev>q10");
        String real = binary(row);
        String marker = "qmig-it-" + UUID.randomUUID();
        // a wrapper whose "QEMU" never opens its QMP socket: it starts a child and waits for it
        Path dir = Files.createTempDirectory("qmig-probe-it");
        Path wrapper = dir.resolve("qemu");
        Files.writeString(wrapper, "#!/bin/bash\ncase \"$*\" in *-qmp*) (exec -a " + marker + " sleep 600) & wait ;; esac\n"
                + "exec " + real + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        try {
            CompatOptions quick = CompatOptions.defaults().withProbeTimeout(Duration.ofSeconds(2));
            assertThatThrownBy(() -> check(row, wrapper.toString(), commandLine(row), quick))
                    .isInstanceOf(TargetException.class).hasMessageContaining("QMP socket");
            assertThat(running(marker)).isEmpty();
        } finally {
            Files.deleteIfExists(wrapper);
            Files.deleteIfExists(dir);
        }
    }

    /** Processes whose command line contains {@code marker}. */
    private static List<String> running(String marker) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains(marker)).toList();
    }

    @Test
    void rowsChosenCoverEveryKindOfRefusalALiveProbeDecides() {
        Set<String> kinds = Set.of("ok", "ram-block", "section", "ram-size", "field-layout", "subsection",
                "device-unknown", "record-kind", "footer", "machine-unknown");
        List<String> ids = List.of("pc72dev>q72", "virtio>q10-no-net", "virtio>q10-no-rng", "pc100>q10-pc100-256M",
                "timadj>q72", "ltim>q72", "igb>q72-igb", "noconfig>q72-pc72-noconfig", "nofooters>q10-pc100",
                "pc100>q72-pc100");
        assertThat(ids.stream().map(i -> row(i).check()).toList()).containsAll(kinds);
    }
}
