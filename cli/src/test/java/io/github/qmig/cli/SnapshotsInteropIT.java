package io.github.qmig.cli;

import io.github.qmig.codec.ReadLimits;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.snapshots.chain.Chain;
import io.github.qmig.snapshots.chain.ChainManifest;
import io.github.qmig.testkit.FixtureLoader;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.GuestRam;
import io.github.qmig.testkit.LoadOptions;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.QemuVm;
import io.github.qmig.testkit.RamRange;
import io.github.qmig.testkit.TestGuest;
import io.github.qmig.testkit.series.SeriesMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real QEMU is the oracle for snapshot sets. A chain of the series' saves (one running guest
 * saved seven times): every level restored by qmig, to a file in either layout and as a stream
 * that QEMU reads straight from {@code exec:qmig chain restore ... -o -}, loads into a fresh QEMU
 * with the guest RAM that QEMU recorded at that save. And a running QEMU migrates straight into a
 * chain ({@code migrate "exec:qmig chain push DIR -"}); each level it pushed loads back with the
 * RAM the guest had at that moment.
 */
class SnapshotsInteropIT {

    @TempDir
    Path tmp;

    private static final Path SERIES = Fixtures.testdataDir().resolve("series");
    private static final OutputOptions NO_SYNC = OutputOptions.defaults().withSync(false);

    private static void assumeQemu() {
        assumeTrue(Qemu.available(Qemu.DEFAULT_BINARY), Qemu.DEFAULT_BINARY + " not installed");
    }

    /** The shaded jar, as a shell command QEMU's {@code exec:} runs. */
    private static String qmig(String... args) {
        StringBuilder b = new StringBuilder(quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()))
                .append(" -Xmx64m -jar ").append(quote(Path.of("target", "qmig.jar").toAbsolutePath().toString()));
        for (String a : args) {
            b.append(' ').append(quote(a));
        }
        return b.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** A fresh QEMU started like the series' guest, loading from {@code uri}; its RAM hashes. */
    private static List<RamRange> loadFrom(List<String> args, String uri, boolean mappedRam, Path work) throws IOException {
        TestGuest.build();
        Path dir = Files.createTempDirectory(work, "vm");
        try (QemuVm vm = QemuVm.builder().machine("pc").memory("128M")
                .args(FixtureLoader.resolveArgs(args, Fixtures.testdataDir(), dir)).incomingDefer(true).workDir(dir).start()) {
            if (mappedRam) {
                vm.setCapabilities(Map.of("mapped-ram", true));
            }
            vm.migrateIncoming(uri, Duration.ofSeconds(120));
            return GuestRam.snapshot(vm);
        }
    }

    @Test
    void everyLevelOfAChainLoadsIntoQemuWithTheRamOfItsSave() throws IOException {
        assumeQemu();
        SeriesMetadata series = SeriesMetadata.read(SERIES.resolve("series.json"));
        Path dir = tmp.resolve("chain");
        Chain chain = Chain.at(dir, ReadLimits.defaults());
        for (SeriesMetadata.Save s : series.saves()) {
            Path save = SERIES.resolve(s.fixture() + Fixtures.SUFFIX);
            if (s.index() == 0) {
                chain.init(save.toString(), NO_SYNC);
            } else {
                chain.push(save.toString(), NO_SYNC);
            }
        }
        for (SeriesMetadata.Save s : series.saves()) {
            FixtureMetadata meta = Fixtures.readMetadata(SERIES.resolve(s.fixture() + ".json"));
            assertThat(meta.ramRanges()).as("RAM hashes recorded at save %d", s.index()).isNotEmpty();
            for (boolean mapped : new boolean[] {false, true}) {
                Path out = tmp.resolve("level-" + s.index() + (mapped ? ".mr" : ".mig"));
                chain.restore(s.index(), out.toString(), mapped, NO_SYNC);
                assertThat(FixtureLoader.loadAndHash(meta, out, LoadOptions.qemu10(meta).withMappedRam(mapped)))
                        .as("level %d restored to a file, %s", s.index(), mapped ? "mapped-ram" : "stream")
                        .isEqualTo(meta.ramRanges());
                Files.delete(out);
            }
            String exec = "exec:" + qmig("chain", "restore", dir.toString(), "--level", Integer.toString(s.index()), "-o", "-");
            assertThat(loadFrom(meta.args(), exec, false, tmp)).as("level %d through %s", s.index(), exec)
                    .isEqualTo(meta.ramRanges());
        }
        Path base = Fixtures.decompress(SERIES.resolve(series.saves().get(0).fixture() + Fixtures.SUFFIX), tmp.resolve("s0.mig"));
        List<String> increments = new ArrayList<>();
        for (ChainManifest.Level l : chain.manifest().levels().subList(0, 3)) {
            increments.add(dir.resolve(l.file()).toString());
        }
        List<String> apply = new ArrayList<>(List.of("apply", base.toString()));
        apply.addAll(increments);
        apply.addAll(List.of("-o", "-"));
        FixtureMetadata meta3 = Fixtures.readMetadata(SERIES.resolve(series.saves().get(3).fixture() + ".json"));
        assertThat(loadFrom(meta3.args(), "exec:" + qmig(apply.toArray(new String[0])), false, tmp))
                .as("exec:qmig apply save0 d1 d2 d3 -o -").isEqualTo(meta3.ramRanges());
    }

    @Test
    void aRunningQemuMigratesStraightIntoAChain() throws IOException, InterruptedException {
        assumeQemu();
        List<String> args = new ArrayList<>(List.of("-icount", "shift=10,sleep=on,align=on"));
        args.addAll(List.of("-kernel", "${testdata}/guest/build/qmig-guest.elf", "-append", "fill=10 walk=8192"));
        TestGuest.build();
        Path dir = tmp.resolve("chain");
        List<List<RamRange>> truth = new ArrayList<>();
        Path work = Files.createDirectories(tmp.resolve("source"));
        try (QemuVm vm = QemuVm.builder().machine("pc").memory("128M")
                .args(FixtureLoader.resolveArgs(args, Fixtures.testdataDir(), work)).workDir(work).start()) {
            TestGuest.awaitFilled(vm, Duration.ofSeconds(180));
            Path root = tmp.resolve("root.mig");
            vm.migrateToFile(root, 0); // the guest runs: live saves
            vm.awaitMigration();
            truth.add(GuestRam.snapshot(vm));
            Chain.at(dir, ReadLimits.defaults()).init(root.toString(), NO_SYNC);
            Files.delete(root);
            for (int i = 1; i <= 2; i++) {
                vm.cont();
                Thread.sleep(1000); // the walk rewrites about 250 pages a second of guest time
                vm.migrate("exec:" + qmig("chain", "push", dir.toString(), "-"));
                vm.awaitMigration();
                truth.add(GuestRam.snapshot(vm));
            }
        }
        ChainManifest m = Chain.at(dir, ReadLimits.defaults()).manifest();
        assertThat(m.levels()).hasSize(2);
        for (ChainManifest.Level l : m.levels()) {
            assertThat(l.pages()).as("level %d changed pages", l.level()).isPositive();
            assertThat(l.bytes()).as("level %d stores its changed pages, not the save", l.level()).isLessThan(l.saveBytes() / 3);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("chain.json", ".lock", "root.mig", "level-0001.qinc", "level-0002.qinc");
        }
        for (int level = 0; level <= 2; level++) {
            String exec = "exec:" + qmig("chain", "restore", dir.toString(), "--level", Integer.toString(level), "-o", "-");
            assertThat(loadFrom(args, exec, false, tmp)).as("level %d", level).isEqualTo(truth.get(level));
        }
    }
}
