package io.github.qmig.compat.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.compat.CompatOptions;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.TargetException;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Probes a configured target without running a guest (see {@link Probe}): starts the binary with
 * the target's command line ({@link TargetArgs#forProbe}) and {@code -S -snapshot}, a QMP socket
 * in a private temporary directory and {@code -display none} unless the command line chooses a
 * display; asks {@code qom-get /machine type}, HMP {@code info ramblock} and {@code
 * query-migrate-capabilities}; saves the never-run target to a file in that directory ({@code
 * file:} from QEMU 8.2, {@code exec:cat} before), reads the save with qmig's own reader, and ends
 * the target. {@code -snapshot} keeps {@code -drive} images unwritten; images in use by another
 * VM, tap devices or sockets the command line opens can make the probe fail to start, which is
 * reported with QEMU's message.
 */
public final class Prober {

    private Prober() {
    }

    /**
     * Probes {@code binary} started with {@code args} and machine type {@code machine}.
     *
     * @throws TargetException if it starts but cannot be asked or saved in time
     */
    public static Probe probe(String binary, String machine, TargetArgs args, QemuVersion version,
                              CompatOptions options) throws IOException {
        Path dir = Files.createTempDirectory("qmig-probe");
        try {
            Path socket = dir.resolve("qmp.sock");
            Path save = dir.resolve("probe.mig");
            List<String> cmd = new ArrayList<>();
            cmd.add(binary);
            cmd.addAll(args.forProbe(machine));
            cmd.addAll(List.of("-S", "-snapshot", "-qmp", "unix:" + socket + ",server=on,wait=off"));
            if (!args.hasDisplay()) {
                cmd.addAll(List.of("-display", "none"));
            }
            long deadline = System.nanoTime() + options.probeTimeout().toNanos();
            String type;
            String ramblock;
            Set<String> capabilities = new LinkedHashSet<>();
            try (QemuProcess qemu = QemuProcess.start(cmd, dir, socket, deadline, options.limits().maxTargetOutput())) {
                if (!qemu.started()) {
                    return Probe.failed(Processes.firstError(qemu.stderr(), "it exited during start-up"));
                }
                QmpClient q = qemu.qmp();
                type = q.execute("qom-get", Map.of("path", "/machine", "property", "type"), deadline).asText();
                type = type.endsWith("-machine") ? type.substring(0, type.length() - "-machine".length()) : type;
                ramblock = q.execute("human-monitor-command", Map.of("command-line", "info ramblock"), deadline)
                        .asText();
                for (JsonNode c : q.execute("query-migrate-capabilities", null, deadline)) {
                    capabilities.add(c.path("capability").asText());
                }
                String uri = version.atLeast(8, 2) ? "file:" + save : "exec:cat > " + save;
                q.execute("migrate", Map.of("uri", uri), deadline);
                awaitSave(q, deadline, binary);
            }
            StreamFacts facts = new StreamFacts(options.limits().maxTrackedSections());
            try (MigrationInput in = MigrationInput.open(save, 0, options.limits())) {
                in.reader(RamSectionCodec.withoutMappedPages(ReadOptions.defaults().withLimits(options.limits())))
                        .feed(facts);
            } catch (IOException e) {
                throw new TargetException("the save the target made of itself cannot be read: " + e.getMessage(), e);
            }
            return Probe.of(facts, type, RamBlockInfo.parse(ramblock), args.sendsConfiguration(), capabilities);
        } finally {
            Processes.deleteTree(dir);
        }
    }

    private static void awaitSave(QmpClient q, long deadline, String binary) throws IOException {
        while (true) {
            JsonNode m = q.execute("query-migrate", null, deadline);
            String status = m.path("status").asText();
            switch (status) {
                case "completed":
                    return;
                case "failed":
                case "cancelled":
                    throw new TargetException(binary + " could not save itself for the probe: "
                            + m.path("error-desc").asText(status));
                default:
                    if (System.nanoTime() > deadline) {
                        throw new TargetException(binary + " did not save itself within the probe timeout");
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new TargetException("interrupted while probing " + binary, e);
                    }
            }
        }
    }
}
