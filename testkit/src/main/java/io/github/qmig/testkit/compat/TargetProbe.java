package io.github.qmig.testkit.compat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.qmig.testkit.FixtureLoader;
import io.github.qmig.testkit.QemuVm;
import io.github.qmig.testkit.QmpException;
import io.github.qmig.testkit.TestGuest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Probes a configured target without loading anything into it: started with {@code -S} (never
 * run), it reports its version and machine type over QMP, its RAM blocks with HMP {@code info
 * ramblock}, and then saves itself to a file, whose head and VMDESCRIPTION list exactly the section
 * idstrs, instance ids, versions and RAM blocks this command line creates ({@link ProbeSave}).
 *
 * <p>Capabilities are not set for the probe. A {@code -global migration.send-configuration=off}
 * is left out of the probe's command line and applied to the result instead: QEMU 10.0.2 aborts
 * when it saves with it unless the machine has {@code suppress-vmdesc=on}, and without a
 * VMDESCRIPTION the probe would learn no sections. The property changes nothing else in the stream.
 */
public final class TargetProbe {
    private static final String NO_CONFIG = "migration.send-configuration=off";

    private final Path testdata;

    /** A prober resolving {@code ${testdata}} to {@code testdata}. */
    public TargetProbe(Path testdata) {
        this.testdata = testdata;
    }

    /**
     * The result of one probe.
     *
     * @param startError QEMU's first stderr line when the target did not start
     * @param qemuVersion {@code query-version}
     * @param machineType {@code qom-get /machine type} without the {@code -machine} suffix
     * @param argsAdjusted arguments the probe left out (and applied to {@code save} afterwards)
     * @param infoRamblock HMP {@code info ramblock} as printed (the Used and Total columns give
     *     used_length and max_length; Total larger than Used means resizeable)
     * @param save what the target's own save says
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"start_error", "qemu_version", "machine_type", "args_adjusted", "info_ramblock", "save"})
    public record Result(
            @JsonProperty("start_error") String startError,
            @JsonProperty("qemu_version") String qemuVersion,
            @JsonProperty("machine_type") String machineType,
            @JsonProperty("args_adjusted") List<String> argsAdjusted,
            @JsonProperty("info_ramblock") List<String> infoRamblock,
            @JsonProperty("save") ProbeSave save) {}

    /** A stable key for a target's command line (capabilities excluded: the probe does not set them). */
    public static String key(CompatTarget t) {
        String s = t.binary() + "\u0000" + t.machine() + "\u0000" + t.memory() + "\u0000" + String.join("\u0000", t.args());
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Probes one target. */
    public Result probe(CompatTarget t) throws IOException {
        Path work = Files.createTempDirectory("qmig-probe");
        if (t.args().stream().anyMatch(a -> a.contains("${testdata}/guest/"))) {
            TestGuest.build();
        }
        List<String> args = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (int i = 0; i < t.args().size(); i++) {
            String a = t.args().get(i);
            if (a.equals("-global") && i + 1 < t.args().size() && t.args().get(i + 1).equals(NO_CONFIG)) {
                left.add(a);
                left.add(t.args().get(++i));
                continue;
            }
            args.add(a);
        }
        QemuVm vm;
        try {
            vm = QemuVm.builder()
                    .binary(t.binary())
                    .machine(t.machine())
                    .memory(t.memory())
                    .args(FixtureLoader.resolveArgs(args, testdata, work))
                    .paused(true)
                    .workDir(work)
                    .start();
        } catch (QmpException e) {
            List<String> err = TargetLoader.stderrOf(e.getMessage());
            return new Result(err.isEmpty() ? "did not start" : err.get(0), null, null, null, null, null);
        }
        try (vm) {
            String version = vm.qemuVersion();
            String type = vm.execute("qom-get", Map.of("path", "/machine", "property", "type")).asText();
            type = type.endsWith("-machine") ? type.substring(0, type.length() - "-machine".length()) : type;
            List<String> ramblock = new ArrayList<>();
            for (String l : vm.hmp("info ramblock").split("\r?\n")) {
                if (!l.isBlank()) {
                    ramblock.add(l.stripTrailing());
                }
            }
            Path file = vm.workDir().resolve("probe.mig");
            int[] v = TargetLoader.parseVersion(version);
            if (v[0] > 8 || (v[0] == 8 && v[1] >= 2)) {
                vm.migrateToFile(file, 0);
            } else {
                vm.migrateExec("cat > '" + file + "'");
            }
            vm.awaitMigration();
            ProbeSave save = ProbeSave.parse(Files.readAllBytes(file));
            if (!left.isEmpty()) {
                save = save.withoutConfiguration();
            }
            return new Result(null, version, type, left.isEmpty() ? null : left, ramblock, save);
        }
    }
}
