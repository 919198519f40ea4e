package io.github.qmig.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two large saves of one guest for the snapshot-set benchmark ({@code scripts/bench.sh}: {@code
 * diff}, {@code delta}, {@code apply}): a TCG x86 {@code pc} guest of {@code --mem} MiB whose test
 * guest fills as BigSave's does with incompressible data and then keeps rewriting word 1 of
 * every page of the first {@code --window} KiB of it ({@code dirty=}); saved paused, resumed for a
 * second, saved paused again. The two saves differ in the window's pages (every one of them gets
 * a new generation number), the status page, and what the BIOS and the CPU changed in that second.
 *
 * <pre>
 * java -cp ... io.github.qmig.testkit.BigSavePair --dir /tmp/qmig-bench --mem 4096 [--window 65536]
 *   -> DIR/pair-a-4096M.mig, DIR/pair-b-4096M.mig
 * </pre>
 */
public final class BigSavePair {

    private BigSavePair() {
    }

    public static void main(String[] argv) throws Exception {
        Path dir = Path.of("/tmp/qmig-bench");
        int mib = 4096;
        int windowKib = 64 << 10;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--dir" -> dir = Path.of(argv[++i]);
                case "--mem" -> mib = Integer.parseInt(argv[++i]);
                case "--window" -> windowKib = Integer.parseInt(argv[++i]);
                default -> {
                    System.err.println("usage: BigSavePair [--dir DIR] [--mem MiB] [--window KiB]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(dir);
        Path a = dir.resolve("pair-a-" + mib + "M.mig");
        Path b = dir.resolve("pair-b-" + mib + "M.mig");
        if (Files.exists(a) && Files.exists(b)) {
            System.out.printf(Locale.ROOT, "%s %s existing%n", a, b);
            return;
        }
        // as BigSave's: the guest fills what it has of RAM below 4 GiB (16 MiB .. 3 GiB of a 4 GiB pc)
        List<String> args = TestGuest.kernelArgs("fill=" + mib + " random dirty=" + windowKib);
        try (QemuVm vm = QemuVm.builder().machine("pc").memory(mib + "M").args(args).start()) {
            TestGuest.awaitFilled(vm, Duration.ofMinutes(15));
            vm.setParameters(Map.of("max-bandwidth", 1L << 40)); // save at QEMU's own speed
            save(vm, a);
            vm.cont();
            Thread.sleep(1000);
            save(vm, b);
        }
    }

    private static void save(QemuVm vm, Path file) throws IOException {
        vm.stop();
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        Files.deleteIfExists(tmp);
        vm.migrateToFile(tmp, 0);
        vm.awaitMigration(Duration.ofMinutes(15));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.printf(Locale.ROOT, "%s %d generation %d%n", file, Files.size(file), TestGuest.generation(vm));
    }
}
