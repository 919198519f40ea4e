package io.github.qmig.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real save + load with QEMU (skipped without {@code qemu-system-x86_64} unless {@code
 * qmig.requireQemu=true}).
 */
class QemuRoundTripTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void plainVmSaveAndLoadGiveEqualRam() {
        assumeTrue(Qemu.available());
        Path file = dir.resolve("vm.mig");
        List<RamRange> source;
        try (QemuVm vm = QemuVm.builder().machine("pc").memory("64M")
                .args(TestGuest.kernelArgs("fill=4")).start()) {
            assertThat(vm.qemuVersion()).matches("\\d+\\.\\d+\\.\\d+");
            TestGuest.awaitFilled(vm, Duration.ofSeconds(30));
            assertThat(vm.readPhys32(TestGuest.FILL_BASE)).isEqualTo(0x51000000L);
            assertThat(vm.readPhys32(TestGuest.FILL_BASE + 4096)).isEqualTo(0x51000001L);
            vm.stop();
            vm.migrateToFile(file, 0);
            assertThat(vm.awaitMigration().path("ram").path("normal").asLong()).isGreaterThanOrEqualTo(1024);
            source = GuestRam.snapshot(vm);
        }
        assertThat(source).extracting(RamRange::region).contains("pc.ram", "pc.bios");
        assertThat(source).allSatisfy(r -> assertThat(r.sha256()).hasSize(64));

        try (QemuVm dst = QemuVm.builder().machine("pc").memory("64M")
                .args(TestGuest.kernelArgs("fill=4")).incomingDefer(true).start()) {
            dst.migrateIncoming(QemuVm.fileUri(file, 0));
            assertThat(GuestRam.snapshot(dst)).isEqualTo(source);
        }
    }

    @Test
    @Timeout(60)
    void generatorProducesAVerifiedFixtureThatLoadsFromItsCompressedFile() throws IOException {
        assumeTrue(Qemu.available());
        FixtureSpec spec = FixtureSpec.builder("test-mapped-ram-offset")
                .memory("64M")
                .args("-kernel", FixtureCatalog.KERNEL, "-append", "fill=2")
                .capability("mapped-ram", true)
                .uriOffset(0x1000)
                .build();
        FixtureMetadata meta = new FixtureGenerator(dir, true, false).generate(spec);
        assertThat(meta.loadVerified()).as("notes: %s", meta.notes()).isTrue();
        assertThat(meta.format()).isEqualTo("mapped-ram");
        assertThat(meta.counter("/ram/normal")).isGreaterThanOrEqualTo(512);
        Fixture fixture = Fixtures.list(dir).get(0);
        assertThat(fixture.metadata()).isEqualTo(meta);

        Path raw = fixture.decompressToTemp();
        try {
            assertThat(Files.size(raw)).isEqualTo(meta.fileSize());
            assertThat(GuestRam.sha256(raw)).isEqualTo(meta.fileSha256());
            assertThat(FixtureLoader.loadAndHash(meta, raw)).isEqualTo(meta.ramRanges());
            // QEMU validates the mapped-ram capability against the file's configuration section
            assertThatThrownBy(() -> FixtureLoader.loadAndHash(meta, raw, LoadOptions.defaults().withMappedRam(false)))
                    .isInstanceOf(QmpException.class)
                    .hasMessageContaining("mapped-ram");
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    @Test
    @Timeout(30)
    void startFailureReportsQemuStderrQuickly() {
        assumeTrue(Qemu.available());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> QemuVm.builder().machine("no-such-machine").start())
                .isInstanceOf(QmpException.class)
                .hasMessageContaining("no-such-machine");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
}
