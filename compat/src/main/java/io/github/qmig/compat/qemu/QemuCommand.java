package io.github.qmig.compat.qemu;

import io.github.qmig.compat.CompatOptions;
import io.github.qmig.compat.TargetException;
import io.github.qmig.compat.schema.VmstateSchema;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Short runs of a target binary that answer and exit: {@code --version}, {@code -machine help},
 * {@code -dump-vmstate} (migration/savevm.c {@code dump_vmstate_json_to_file}: QEMU writes the
 * JSON and exits before any guest or migration starts). Each is bounded by the command timeout and
 * ended with its children when it takes longer; its output is kept up to {@code maxTargetOutput}.
 */
final class QemuCommand {

    record Output(int exit, String stdout, String stderr) {
    }

    private final String binary;
    private final CompatOptions options;

    QemuCommand(String binary, CompatOptions options) {
        this.binary = binary;
        this.options = options;
    }

    /** Runs the binary with {@code args} and returns its exit status and output. */
    Output run(String... args) throws TargetException {
        Path dir;
        try {
            dir = Files.createTempDirectory("qmig-qemu");
        } catch (IOException e) {
            throw new TargetException("cannot make a temporary directory: " + e.getMessage(), e);
        }
        try {
            return run(dir, args);
        } finally {
            Processes.deleteTree(dir);
        }
    }

    private Output run(Path dir, String... args) throws TargetException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new TargetException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                Processes.kill(p);
                throw new TargetException(String.join(" ", cmd) + " did not finish within "
                        + options.commandTimeout().toSeconds() + " s");
            }
            int max = options.limits().maxTargetOutput();
            return new Output(p.exitValue(), Processes.head(out, max), Processes.head(err, max));
        } catch (InterruptedException e) {
            Processes.kill(p);
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted while running " + binary, e);
        } catch (IOException e) {
            throw new TargetException("cannot read what " + binary + " printed: " + e.getMessage(), e);
        }
    }

    /** {@code --version}. */
    QemuVersion version() throws TargetException {
        Output o = run("--version");
        try {
            return QemuVersion.parse(o.stdout());
        } catch (IllegalArgumentException e) {
            throw new TargetException(binary + " --version: " + e.getMessage()
                    + (o.exit() != 0 ? " (" + Processes.firstError(o.stderr(), "exit status " + o.exit()) + ")" : ""));
        }
    }

    /** {@code -machine help}. */
    MachineTypes machines() throws TargetException {
        Output o = run("-machine", "help");
        if (o.exit() != 0 || !o.stdout().contains("Supported machines")) {
            throw new TargetException(binary + " -machine help: " + Processes.firstError(o.stderr(),
                    "no machine list (exit status " + o.exit() + ")"));
        }
        return MachineTypes.parse(o.stdout());
    }

    /** {@code -machine M -nodefaults -display none -dump-vmstate FILE}, read. */
    VmstateSchema dump(String machine) throws IOException {
        Path dir = Files.createTempDirectory("qmig-dump");
        try {
            Path json = dir.resolve("vmstate.json");
            Output o = run(dir, "-machine", machine, "-nodefaults", "-display", "none", "-dump-vmstate",
                    json.toString());
            if (o.exit() != 0 || !Files.exists(json)) {
                throw new TargetException(binary + " -machine " + machine + " -dump-vmstate: "
                        + Processes.firstError(o.stderr(), "exit status " + o.exit()));
            }
            return VmstateSchema.read(json, options.limits());
        } finally {
            Processes.deleteTree(dir);
        }
    }
}
