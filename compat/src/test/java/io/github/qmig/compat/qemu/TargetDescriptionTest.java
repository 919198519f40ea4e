package io.github.qmig.compat.qemu;

import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What qmig reads of a target without a probe: {@code --version}, {@code -machine help} (the
 * shipped outputs of QEMU 10.0.2 and 7.2.22), {@code info ramblock} (as QEMU 10 and 7.2 print it)
 * and the command line.
 */
class TargetDescriptionTest {

    private static String shipped(String version, String file) throws IOException {
        return Files.readString(Fixtures.testdataDir().resolve("compat/schemas/qemu-" + version).resolve(file));
    }

    @Test
    void versionsAsQemuPrintsThem() throws IOException {
        assertThat(QemuVersion.parse(shipped("10.0.2", "version.txt"))).isEqualTo(new QemuVersion(10, 0, 2));
        assertThat(QemuVersion.parse(shipped("7.2.22", "version.txt"))).isEqualTo(new QemuVersion(7, 2, 22));
        assertThat(QemuVersion.parse("9.1")).isEqualTo(new QemuVersion(9, 1, 0));
        assertThat(new QemuVersion(9, 0, 5).atLeast(9, 1)).isFalse();
        assertThat(new QemuVersion(10, 0, 0).atLeast(9, 1)).isTrue();
        assertThatThrownBy(() -> QemuVersion.parse("qemu")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void machineTypesWithAliasesAndDeprecation() throws IOException {
        MachineTypes q10 = MachineTypes.parse(shipped("10.0.2", "machines.txt"));
        MachineTypes q72 = MachineTypes.parse(shipped("7.2.22", "machines.txt"));
        assertThat(q10.resolve("pc")).isEqualTo("pc-i440fx-10.0");
        assertThat(q10.resolve("q35")).isEqualTo("pc-q35-10.0");
        assertThat(q72.resolve("pc")).isEqualTo("pc-i440fx-7.2");
        assertThat(q10.resolve("pc-i440fx-2.4")).isEqualTo("pc-i440fx-2.4");
        assertThat(q10.contains("pc-i440fx-1.4")).isFalse();
        assertThat(q72.contains("pc-i440fx-1.4")).isTrue();
        assertThat(q72.contains("pc-i440fx-9.2")).isFalse();
        assertThat(q10.deprecated("pc-i440fx-2.4")).isTrue();
        assertThat(q10.deprecated("pc-i440fx-9.2")).isFalse();
        assertThat(q10.deprecated("pc")).isFalse();
        assertThat(MachineTypes.versionOf("pc-q35-7.2")).contains(new QemuVersion(7, 2, 0));
        assertThat(MachineTypes.versionOf("microvm")).isEmpty();
    }

    @Test
    void ramBlocksOfQemu10AndQemu72() {
        String q10 = """
                              Block Name    PSize              Offset               Used              Total                HVA  RO
                                  pc.ram    4 KiB  0x0000000000000000 0x0000000008000000 0x0000000008000000 0x00007f58f3e00000  rw
                    /rom@etc/acpi/tables    4 KiB  0x0000000008080000 0x0000000000020000 0x0000000000200000 0x00007f58f3a00000  ro
                      /rom@etc/acpi/rsdp    4 KiB  0x00000000082c0000 0x0000000000001000 0x0000000000001000 0x00007f58f3600000  ro
                """;
        String q72 = """
                              Block Name    PSize              Offset               Used              Total
                                 pc.bios    4 KiB  0x0000000008000000 0x0000000000040000 0x0000000000040000
         0000:00:03.0/virtio-net-pci.rom    4 KiB  0x00000000082c0000 0x0000000000040000 0x0000000000040000
                """;
        List<RamBlockInfo> a = RamBlockInfo.parse(q10);
        assertThat(a).containsExactly(new RamBlockInfo("pc.ram", 0x8000000, 0x8000000),
                new RamBlockInfo("/rom@etc/acpi/tables", 0x20000, 0x200000),
                new RamBlockInfo("/rom@etc/acpi/rsdp", 0x1000, 0x1000));
        assertThat(a.get(0).resizeable()).isFalse();
        assertThat(a.get(1).resizeable()).isTrue();
        assertThat(a.get(2).resizeable()).as("fw_cfg blobs are resizeable at their max too").isTrue();
        assertThat(RamBlockInfo.parse(q72)).containsExactly(new RamBlockInfo("pc.bios", 0x40000, 0x40000),
                new RamBlockInfo("0000:00:03.0/virtio-net-pci.rom", 0x40000, 0x40000));
    }

    @Test
    void theCommandLineSaysMachineTypeAndMigrationProperties() {
        TargetArgs a = TargetArgs.of(List.of("-m", "1G", "-machine", "type=pc-q35-7.2,accel=kvm", "-global",
                "migration.send-configuration=off", "-global", "driver=migration,property=send-section-footer,value=no"));
        assertThat(a.machineType()).contains("pc-q35-7.2");
        assertThat(a.migrationProperty("send-configuration")).contains(false);
        assertThat(a.migrationProperty("send-section-footer")).contains(false);
        assertThat(a.migrationProperty("send-switchover-start")).isEmpty();
        assertThat(a.sendsConfiguration()).isFalse();
        assertThat(TargetArgs.of(List.of("-M", "pc,suppress-vmdesc=on")).machineType()).contains("pc");
        assertThat(TargetArgs.of(List.of("-M", "accel=tcg")).machineType()).isEmpty();
        assertThat(TargetArgs.none().sendsConfiguration()).isTrue();
    }

    @Test
    void aProbeStartsTheCommandLineWithoutWhatWouldLoadWaitOrWriteBesideAVm() {
        TargetArgs a = TargetArgs.of(List.of("-M", "pc,suppress-vmdesc=on", "-incoming", "defer", "-daemonize",
                "-pidfile", "/run/vm.pid", "-loadvm", "snap", "-global", "migration.send-configuration=off", "-global",
                "migration.send-section-footer=off", "-device", "e1000"));
        assertThat(a.forProbe("pc")).containsExactly("-M", "pc", "-global", "migration.send-section-footer=off",
                "-device", "e1000");
        assertThat(TargetArgs.of(List.of("-m", "128M")).forProbe("pc-q35-9.2"))
                .containsExactly("-machine", "pc-q35-9.2", "-m", "128M");
        assertThat(TargetArgs.of(List.of("-nographic")).hasDisplay()).isTrue();
        assertThat(TargetArgs.of(List.of("-m", "1G")).hasDisplay()).isFalse();
    }

    @Test
    void releaseRules() {
        QemuVersion v72 = new QemuVersion(7, 2, 22);
        QemuVersion v10 = new QemuVersion(10, 0, 2);
        assertThat(QemuReleases.readsCompressedPages(v72)).isTrue();
        assertThat(QemuReleases.readsCompressedPages(v10)).isFalse();
        assertThat(QemuReleases.highestCommand(v72)).isEqualTo(10);
        assertThat(QemuReleases.highestCommand(v10)).isEqualTo(11);
        assertThat(QemuReleases.hasCapability(v10, "compress")).contains(false);
        assertThat(QemuReleases.hasCapability(v72, "mapped-ram")).contains(false);
        assertThat(QemuReleases.hasCapability(v72, "xbzrle")).isEmpty();
        assertThat(QemuReleases.validatedCapabilities(v72)).containsExactly("x-ignore-shared");
        assertThat(QemuReleases.validatedCapabilities(v10)).containsExactly("x-ignore-shared", "mapped-ram");
        assertThat(QemuReleases.unsupportedMachine(v72, "pc-i440fx-10.0")).isEqualTo("unsupported machine type");
        assertThat(QemuReleases.unsupportedMachine(v10, "pc-i440fx-1.4"))
                .isEqualTo("unsupported machine type: \"pc-i440fx-1.4\"");
        assertThat(QemuReleases.machineSendsConfigurationAndFooters("pc-i440fx-2.3")).contains(false);
        assertThat(QemuReleases.machineSendsConfigurationAndFooters("pc-i440fx-2.4")).contains(true);
        assertThat(QemuReleases.machineSendsConfigurationAndFooters("microvm")).contains(true);
        assertThat(QemuReleases.machineSendsConfigurationAndFooters("xenfv-4.2")).isEmpty();
    }

    @Test
    void errorLinesWithoutTheProgramNameAndWarnings() {
        assertThat(Processes.firstError("qemu-system-x86_64: warning: nic e1000.0 has no peer\n"
                + "qemu-system-x86_64: -device igb,addr=0x5: 'igb' is not a valid device model name\n", "x"))
                .isEqualTo("-device igb,addr=0x5: 'igb' is not a valid device model name");
        assertThat(Processes.firstError("qemu-system-x86_64: warning: only this\n", "x")).isEqualTo("warning: only this");
        assertThat(Processes.firstError("", "exit status 1")).isEqualTo("exit status 1");
    }

    @Test
    void aSchemaDirectoryWithoutItsReleaseNeedsOne(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path dump = Fixtures.testdataDir().resolve("compat/schemas/qemu-7.2.22/pc-i440fx-7.2.vmstate.json.zst");
        Files.copy(dump, tmp.resolve("pc-i440fx-7.2.vmstate.json.zst"));
        var req = new io.github.qmig.compat.TargetRequest.Saved(tmp, null, "pc-i440fx-7.2", List.of(), java.util.Set.of());
        assertThatThrownBy(() -> Targets.resolve(req, "pc-i440fx-7.2", io.github.qmig.compat.CompatOptions.defaults()))
                .isInstanceOf(io.github.qmig.compat.CompatUsageException.class).hasMessageContaining("--qemu-version");
        var given = new io.github.qmig.compat.TargetRequest.Saved(tmp, "7.2.22", "pc-i440fx-7.2", List.of(),
                java.util.Set.of());
        Target t = Targets.resolve(given, "pc-i440fx-7.2", io.github.qmig.compat.CompatOptions.defaults());
        assertThat(t.machineKnown()).contains(true);
        assertThat(t.machineClass()).contains("pc-i440fx-7.2");
        assertThat(t.expectsConfiguration()).contains(true);
        Target newer = Targets.resolve(given, "pc-i440fx-9.2", io.github.qmig.compat.CompatOptions.defaults());
        assertThat(newer.machineKnown()).as("no 7.2 binary has a 9.2 machine type").contains(false);
        Target alias = Targets.resolve(given, "pc", io.github.qmig.compat.CompatOptions.defaults());
        assertThat(alias.machineKnown()).as("without machines.txt").isEqualTo(Optional.empty());
    }
}
