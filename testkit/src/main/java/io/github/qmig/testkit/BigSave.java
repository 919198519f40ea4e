package io.github.qmig.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Makes the large saves that {@code scripts/bench.sh} measures qmig on: an x86 {@code pc} guest
 * whose RAM the test guest fills with incompressible data ({@code fill=<MiB> random}), saved once
 * as a plain stream and once, from a second QEMU with the same deterministic fill, with the
 * {@code mapped-ram} capability (its "twin": the same RAM content in QEMU's other layout).
 *
 * <pre>
 * BigSave [--dir DIR] [--mem MiB] [--qcow2] [--force]
 *   writes DIR/stream-&lt;MiB&gt;M.mig and DIR/mapped-ram-&lt;MiB&gt;M.mig (default DIR /tmp/qmig-bench,
 *   MiB 4096), with --qcow2 also DIR/qcow2-&lt;MiB&gt;M.qcow2, a 64 MiB disk image holding the same
 *   guest as internal snapshot "bench" (HMP savevm); existing files are kept unless --force.
 *   Prints one line per file: "&lt;path&gt; &lt;bytes&gt; &lt;seconds QEMU took to save&gt;".
 * </pre>
 *
 * <p>The 32-bit guest can only fill RAM below 4 GiB: with {@code -m 4096} the {@code pc} machine
 * maps 3 GiB below 4 GiB, so the guest fills 16 MiB..3 GiB (a ~3 GiB stream) and the remaining
 * GiB above 4 GiB stays zero (zero-page records; holes in mapped-ram).
 */
public final class BigSave {
    private static final Duration FILL_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration SAVE_TIMEOUT = Duration.ofMinutes(15);

    private BigSave() {}

    /** Command-line entry point. */
    public static void main(String[] argv) throws Exception {
        Path dir = Path.of("/tmp/qmig-bench");
        int mib = 4096;
        boolean force = false;
        boolean qcow2 = false;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--dir" -> dir = Path.of(argv[++i]);
                case "--mem" -> mib = Integer.parseInt(argv[++i]);
                case "--qcow2" -> qcow2 = true;
                case "--force" -> force = true;
                default -> {
                    System.err.println("usage: BigSave [--dir DIR] [--mem MiB] [--qcow2] [--force]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(dir);
        save(dir.resolve("stream-" + mib + "M.mig"), mib, false, force);
        save(dir.resolve("mapped-ram-" + mib + "M.mig"), mib, true, force);
        if (qcow2) {
            saveInternal(dir.resolve("qcow2-" + mib + "M.qcow2"), mib, force);
        }
    }

    /** Saves a freshly filled, paused guest of {@code mib} MiB as internal snapshot "bench" of a new qcow2 image. */
    static void saveInternal(Path image, int mib, boolean force) throws IOException {
        if (Files.exists(image) && !force) {
            System.out.printf(Locale.ROOT, "%s %d existing%n", image, Files.size(image));
            return;
        }
        Files.deleteIfExists(image);
        Path tmp = image.resolveSibling(image.getFileName() + ".part");
        Files.deleteIfExists(tmp);
        Process p = new ProcessBuilder(Qemu.resolve("qemu-img"), "create", "-q", "-f", "qcow2", tmp.toString(), "64M")
                .inheritIO().start();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("qemu-img create failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        List<String> args = new ArrayList<>(TestGuest.kernelArgs("fill=" + mib + " random"));
        args.addAll(List.of("-blockdev", "driver=qcow2,node-name=disk0,file.driver=file,file.filename=" + tmp,
                "-device", "ide-hd,drive=disk0,bus=ide.0"));
        double secs;
        try (QemuVm vm = QemuVm.builder().machine("pc").memory(mib + "M").args(args).start()) {
            TestGuest.awaitFilled(vm, FILL_TIMEOUT);
            vm.stop();
            long t1 = System.nanoTime();
            String said = vm.execute("human-monitor-command", Map.of("command-line", "savevm bench"), SAVE_TIMEOUT)
                    .asText();
            if (!said.isBlank()) {
                throw new IOException("savevm: " + said.strip());
            }
            secs = (System.nanoTime() - t1) / 1e9;
            try {
                vm.execute("quit", null); // closes the image cleanly
            } catch (QmpException e) {
                // the connection may close before the reply
            }
        }
        Files.move(tmp, image);
        System.out.printf(Locale.ROOT, "%s %d %.2f%n", image, Files.size(image), secs);
    }

    /** Saves a freshly filled, paused guest of {@code mib} MiB to {@code file}. */
    static void save(Path file, int mib, boolean mappedRam, boolean force) throws IOException {
        if (Files.exists(file) && !force) {
            System.out.printf(Locale.ROOT, "%s %d existing%n", file, Files.size(file));
            return;
        }
        Files.deleteIfExists(file);
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        Files.deleteIfExists(tmp);
        List<String> args = new ArrayList<>(TestGuest.kernelArgs("fill=" + mib + " random"));
        try (QemuVm vm = QemuVm.builder().machine("pc").memory(mib + "M").args(args).start()) {
            long t0 = System.nanoTime();
            TestGuest.awaitFilled(vm, FILL_TIMEOUT);
            System.err.printf(Locale.ROOT, "guest filled %d MiB in %.1fs%n",
                    vm.readPhys32(TestGuest.STATUS_ADDRESS + 8), (System.nanoTime() - t0) / 1e9);
            vm.stop();
            if (mappedRam) {
                vm.setCapabilities(Map.of("mapped-ram", true));
            }
            // A paused guest still goes through the iterative phase, which is rate limited (128
            // MiB/s by default); lift the limit so that the save runs at QEMU's own speed.
            vm.setParameters(Map.of("max-bandwidth", 1L << 40));
            long t1 = System.nanoTime();
            vm.migrateToFile(tmp, 0);
            vm.awaitMigration(SAVE_TIMEOUT);
            double secs = (System.nanoTime() - t1) / 1e9;
            Files.move(tmp, file);
            System.out.printf(Locale.ROOT, "%s %d %.2f%n", file, Files.size(file), secs);
        }
    }
}
