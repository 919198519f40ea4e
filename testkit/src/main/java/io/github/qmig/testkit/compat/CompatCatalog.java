package io.github.qmig.testkit.compat;

import io.github.qmig.testkit.FixtureCatalog;
import io.github.qmig.testkit.FixtureSpec;
import io.github.qmig.testkit.Qemu;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code testdata/compat/} holds: the machine types whose {@code -dump-vmstate} is kept, the
 * saves made for the matrix, and the matrix rows (file x target).
 *
 * <p>Saves are the x86 test guest (128 MiB, {@code fill=8}, stopped), as in {@link
 * FixtureCatalog}. Rows also use fixtures of {@code testdata/} itself (the QEMU 10 {@code pc} and
 * {@code q35} saves, no-footers, mapped-ram, and the three QEMU 7.2 saves).
 */
public final class CompatCatalog {
    /** QEMU 10 (PATH). */
    static final String Q10 = Qemu.DEFAULT_BINARY;
    /** Machine types whose QEMU 10 vmstate description is kept. */
    public static final List<String> Q10_SCHEMAS = List.of(
            "pc-i440fx-10.0", "pc-q35-10.0", "pc-i440fx-9.2", "pc-q35-9.2", "pc-i440fx-7.2", "pc-q35-7.2",
            "pc-i440fx-2.4");
    /** Machine types whose QEMU 7.2 vmstate description is kept. */
    public static final List<String> Q72_SCHEMAS = List.of(
            "pc-i440fx-7.2", "pc-q35-7.2", "pc-i440fx-1.4", "pc-i440fx-2.4");

    private static final List<String> GUEST = List.of("-kernel", FixtureCatalog.KERNEL, "-append", "fill=8");

    /** The common devices, on fixed slots of the {@code pc} PCI bus. */
    static final List<String> PC_DEVICES = List.of(
            "-cpu", "max", "-smp", "2",
            "-blockdev", "driver=null-co,node-name=nul0,size=67108864,read-zeroes=on",
            "-blockdev", "driver=null-co,node-name=nul1,size=67108864,read-zeroes=on",
            "-audiodev", "none,id=a0",
            "-device", "virtio-net-pci,addr=0x3",
            "-device", "virtio-blk-pci,drive=nul0,addr=0x4",
            "-device", "virtio-scsi-pci,id=scsi0,addr=0x5",
            "-device", "scsi-hd,drive=nul1,bus=scsi0.0",
            "-device", "virtio-rng-pci,addr=0x6",
            "-device", "virtio-balloon-pci,addr=0x7",
            "-device", "e1000,addr=0x8",
            "-device", "e1000e,addr=0x9",
            "-device", "rtl8139,addr=0xa",
            "-device", "vmxnet3,addr=0xb",
            "-device", "qemu-xhci,id=xhci,addr=0xc",
            "-device", "usb-tablet,bus=xhci.0",
            "-device", "usb-kbd,bus=xhci.0",
            "-device", "usb-ehci,id=ehci,addr=0xd",
            "-device", "usb-mouse,bus=ehci.0",
            "-device", "intel-hda,addr=0xe",
            "-device", "hda-duplex,audiodev=a0");

    /** Devices for {@code q35}, as integrated endpoints of {@code pcie.0}. */
    static final List<String> Q35_DEVICES = List.of(
            "-cpu", "max", "-smp", "2",
            "-blockdev", "driver=null-co,node-name=nul0,size=67108864,read-zeroes=on",
            "-audiodev", "none,id=a0",
            "-device", "virtio-net-pci,addr=0x3",
            "-device", "e1000e,addr=0x4",
            "-device", "qemu-xhci,id=xhci,addr=0x5",
            "-device", "usb-tablet,bus=xhci.0",
            "-device", "ich9-intel-hda,addr=0x6",
            "-device", "hda-duplex,audiodev=a0",
            "-device", "virtio-blk-pci,drive=nul0,addr=0x7");

    static final List<String> VIRTIO = List.of(
            "-device", "virtio-net-pci,addr=0x3",
            "-device", "virtio-rng-pci,addr=0x4");
    static final List<String> IGB = List.of("-device", "igb,addr=0x5");
    static final List<String> TIMADJ = List.of("-global", "e1000e.migrate-timadj=on", "-device", "e1000e,addr=0x5");
    private static final String HMP = "human-monitor-command";
    static final String NO_CONFIG = "migration.send-configuration=off";
    static final String NO_FOOTERS = "migration.send-section-footer=off";

    /** Existing fixtures of {@code testdata/} used as matrix files. */
    static final String PC100 = "x86-pc-128M-paused.mig.zst";
    static final String Q35100 = "x86-q35-128M-paused.mig.zst";
    static final String PC100_NO_FOOTERS = "x86-pc-128M-no-footers.mig.zst";
    static final String PC100_MAPPED_RAM = "x86-pc-128M-mapped-ram.mig.zst";
    static final String Q72_PC72 = "x86-pc72-128M-qemu72.mig.zst";
    static final String Q72_PC72_COMPRESS = "x86-pc72-128M-qemu72-compress.mig.zst";
    static final String Q72_PC14 = "x86-pc14-128M-qemu72.mig.zst";

    private CompatCatalog() {}

    static String q72() {
        return Qemu.qemu72();
    }

    /** The saves made for the matrix (written to {@code testdata/compat/}). */
    public static List<FixtureSpec> saves() {
        return List.of(
                save("q10-pc-10.0-virtio", Q10, "pc-i440fx-10.0", VIRTIO)
                        .description("QEMU 10, pc-i440fx-10.0, virtio-net-pci on slot 3 (has an option ROM RAM block)"
                                + " and virtio-rng-pci on slot 4 (no ROM)").build(),
                save("q10-pc-9.2", Q10, "pc-i440fx-9.2", List.of())
                        .description("QEMU 10, pc-i440fx-9.2").build(),
                save("q10-pc-7.2-devices", Q10, "pc-i440fx-7.2", PC_DEVICES)
                        .description("QEMU 10, pc-i440fx-7.2, -cpu max -smp 2, virtio net/blk/scsi/rng/balloon,"
                                + " e1000, e1000e, rtl8139, vmxnet3, xhci + tablet + kbd, ehci + mouse, intel-hda +"
                                + " hda-duplex").build(),
                save("q10-q35-7.2-devices", Q10, "pc-q35-7.2", Q35_DEVICES)
                        .description("QEMU 10, pc-q35-7.2, -cpu max -smp 2, virtio-net, e1000e, xhci + tablet,"
                                + " ich9-intel-hda + hda-duplex, virtio-blk").build(),
                save("q10-pc-7.2-igb", Q10, "pc-i440fx-7.2", IGB)
                        .description("QEMU 10, pc-i440fx-7.2 with an igb NIC (a device type QEMU 7.2 does not have)")
                        .build(),
                save("q10-pc-7.2-e1000e-timadj", Q10, "pc-i440fx-7.2", TIMADJ)
                        .description("QEMU 10, pc-i440fx-7.2, e1000e with migrate-timadj=on (hw_compat_7_2 turns it"
                                + " off): e1000e carries the field core.timadj that QEMU 7.2 does not read").build(),
                save("q10-pc-7.2-pic-ltim", Q10, "pc-i440fx-7.2", List.of())
                        .beforeMigrate(HMP, Map.of("command-line", "o /b 0x20 0x19"))
                        .beforeMigrate(HMP, Map.of("command-line", "o /b 0x21 0x08"))
                        .beforeMigrate(HMP, Map.of("command-line", "o /b 0x21 0x04"))
                        .beforeMigrate(HMP, Map.of("command-line", "o /b 0x21 0x01"))
                        .description("QEMU 10, pc-i440fx-7.2, master PIC re-initialised with LTIM (level-triggered"
                                + " mode) before the save: section i8259 instance 0 carries the subsection i8259/ltim,"
                                + " which QEMU 7.2 does not have and no compat property suppresses")
                        .note("After stop, HMP 'o /b 0x20 0x19', 'o /b 0x21 0x08', 'o /b 0x21 0x04', 'o /b 0x21 0x01'"
                                + " (ICW1 with LTIM, ICW2-4) set ltim on the master 8259.").build(),
                save("q10-pc-7.2-am53c974", Q10, "pc-i440fx-7.2", List.of("-device", "am53c974,addr=0x5"))
                        .description("QEMU 10, pc-i440fx-7.2, an am53c974 SCSI HBA: its nested vmstate esp is"
                                + " version 7 in QEMU 10 and 6 in QEMU 7.2, yet 7.2 loads it").build(),
                save("q10-pc-10.0-no-config", Q10, "pc-i440fx-10.0,suppress-vmdesc=on",
                        List.of("-global", NO_CONFIG))
                        .description("QEMU 10, pc-i440fx-10.0, -global " + NO_CONFIG + " (with suppress-vmdesc=on,"
                                + " without which 10.0.2 aborts): no CONFIGURATION record, no VMDESCRIPTION").build(),
                save("q10-pc-10.0-x-ignore-shared", Q10, "pc-i440fx-10.0", List.of())
                        .capability("x-ignore-shared", true)
                        .description("QEMU 10, pc-i440fx-10.0, capability x-ignore-shared (RAM is not shared, so"
                                + " it is still sent): configuration/capabilities lists it").build(),
                save("q72-pc-7.2-devices", q72(), "pc-i440fx-7.2", PC_DEVICES).exec(true)
                        .description("QEMU 7.2, pc-i440fx-7.2, the same devices as q10-pc-7.2-devices").build(),
                save("q72-q35-7.2", q72(), "pc-q35-7.2", List.of()).exec(true)
                        .description("QEMU 7.2, pc-q35-7.2").build(),
                save("q72-pc-2.4", q72(), "pc-i440fx-2.4", List.of()).exec(true)
                        .description("QEMU 7.2, pc-i440fx-2.4 (an old machine type QEMU 10 still has, deprecated)")
                        .build());
    }

    private static FixtureSpec.Builder save(String name, String binary, String machine, List<String> extra) {
        FixtureSpec.Builder b = FixtureSpec.builder(name).binary(binary).machine(machine).memory("128M");
        b.args(GUEST.toArray(String[]::new));
        return b.args(extra.toArray(String[]::new));
    }

    /** A QEMU 10 target running the test guest. */
    static CompatTarget q10(String machine, List<String> extra) {
        return CompatTarget.of(Q10, machine, "128M", concat(GUEST, extra));
    }

    /** A QEMU 7.2 target running the test guest. */
    static CompatTarget q72(String machine, List<String> extra) {
        return CompatTarget.of(q72(), machine, "128M", concat(GUEST, extra));
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static List<String> list(String... a) {
        return List.of(a);
    }

    /** The matrix rows, in order. */
    public static List<CompatCase> cases() {
        List<CompatCase> c = new ArrayList<>();
        List<String> none = List.of();

        // QEMU 10 pc-i440fx-10.0, nothing but the guest
        String f = PC100;
        c.add(row("pc100>q10-pc100", f, q10("pc-i440fx-10.0", none), "ok", "same machine type and devices"));
        c.add(row("pc100>q10-pc", f, q10("pc", none), "ok",
                "the alias pc: QEMU compares the machine class name, which for the alias is pc-i440fx-10.0"));
        c.add(row("pc100>q10-q35100", f, q10("pc-q35-10.0", none), "machine-type", "other machine family"));
        c.add(row("pc100>q10-pc92", f, q10("pc-i440fx-9.2", none), "machine-type", "older versioned machine type"));
        c.add(row("pc100>q10-pc72", f, q10("pc-i440fx-7.2", none), "machine-type", "older versioned machine type"));
        c.add(row("pc100>q10-pc100-256M", f, q10("pc-i440fx-10.0", none).withMemory("256M"), "ram-size",
                "target has 256 MiB: pc.ram is not resizeable"));
        c.add(row("pc100>q10-pc100+rng", f, q10("pc-i440fx-10.0", list("-device", "virtio-rng-pci,addr=0x4")), "ok",
                "target has a device the file has no section for: it keeps its reset state"));
        c.add(row("pc100>q10-pc100+e1000", f, q10("pc-i440fx-10.0", list("-device", "e1000,addr=0x5")), "ok",
                "target has a device with an option ROM RAM block the file does not list"));
        c.add(row("pc100>q10-pc100-nokernel", f, CompatTarget.of(Q10, "pc-i440fx-10.0", "128M", none), "ok",
                "target without -kernel/-append: neither is part of the migrated state"));
        c.add(row("pc100>q10-pc100-mapped-ram", f, q10("pc-i440fx-10.0", none).withCapability("mapped-ram", true),
                "capability", "target has mapped-ram on, the file was saved without"));
        c.add(row("pc100>q10-pc100-x-ignore-shared", f,
                q10("pc-i440fx-10.0", none).withCapability("x-ignore-shared", true), "capability",
                "target has x-ignore-shared on, the file was saved without"));
        c.add(row("pc100>q10-pc100-nofooters", f, q10("pc-i440fx-10.0", list("-global", NO_FOOTERS)), "footer",
                "target expects no section footers; the file has them"));
        c.add(row("pc100>q10-pc100-noconfig", f, q10("pc-i440fx-10.0", list("-global", NO_CONFIG)), "configuration",
                "target expects no configuration record; the file starts with one"));
        c.add(row("pc100>q72-pc72", f, q72("pc-i440fx-7.2", none), "machine-type", "QEMU 7.2 with its own 7.2 type"));
        c.add(row("pc100>q72-pc100", f, q72("pc-i440fx-10.0", none), "machine-unknown",
                "QEMU 7.2 has no pc-i440fx-10.0"));

        // QEMU 10 pc-q35-10.0
        f = Q35100;
        c.add(row("q35100>q10-q35100", f, q10("pc-q35-10.0", none), "ok", "same machine type"));
        c.add(row("q35100>q10-q35", f, q10("q35", none), "ok", "the alias q35"));
        c.add(row("q35100>q10-pc100", f, q10("pc-i440fx-10.0", none), "machine-type", "other machine family"));
        c.add(row("q35100>q10-q3592", f, q10("pc-q35-9.2", none), "machine-type", "older versioned machine type"));
        c.add(row("q35100>q72-q3572", f, q72("pc-q35-7.2", none), "machine-type", "QEMU 7.2"));

        // QEMU 10 pc-i440fx-10.0 + virtio-net (ROM) + virtio-rng
        f = "compat/q10-pc-10.0-virtio.mig.zst";
        CompatTarget v = q10("pc-i440fx-10.0", VIRTIO);
        c.add(row("virtio>q10-same", f, v, "ok", "same command line"));
        c.add(row("virtio>q10-no-net", f, v.withoutDevice("virtio-net-pci"), "ram-block",
                "target lacks the virtio-net-pci: its ROM RAM block is refused before any device section"));
        c.add(row("virtio>q10-net-no-rom", f, v.replaceDevice("virtio-net-pci", "virtio-net-pci,addr=0x3,romfile="),
                "ram-block", "target's virtio-net-pci has romfile= (no ROM RAM block)"));
        c.add(row("virtio>q10-net-slot6", f, v.replaceDevice("virtio-net-pci", "virtio-net-pci,addr=0x6"),
                "ram-block", "target's virtio-net-pci is on slot 6: the ROM block name has the PCI address"));
        c.add(row("virtio>q10-net-as-e1000", f, v.replaceDevice("virtio-net-pci", "e1000,addr=0x3"), "ram-block",
                "target has an e1000 where the file has virtio-net-pci"));
        c.add(row("virtio>q10-no-rng", f, v.withoutDevice("virtio-rng-pci"), "section",
                "target lacks the virtio-rng-pci (no RAM block): unknown section"));
        c.add(row("virtio>q10-rng-slot5", f, v.replaceDevice("virtio-rng-pci", "virtio-rng-pci,addr=0x5"), "section",
                "target's virtio-rng-pci is on slot 5: the section idstr has the PCI address"));
        c.add(row("virtio>q10-rng-as-balloon", f, v.replaceDevice("virtio-rng-pci", "virtio-balloon-pci,addr=0x4"),
                "section", "target has virtio-balloon-pci where the file has virtio-rng-pci"));

        // QEMU 10 pc-i440fx-9.2
        f = "compat/q10-pc-9.2.mig.zst";
        c.add(row("pc92>q10-pc92", f, q10("pc-i440fx-9.2", none), "ok", "same machine type"));
        c.add(row("pc92>q10-pc100", f, q10("pc-i440fx-10.0", none), "machine-type", "newer machine type"));
        c.add(row("pc92>q10-pc91", f, q10("pc-i440fx-9.1", none), "machine-type", "older machine type"));
        c.add(row("pc92>q72-pc92", f, q72("pc-i440fx-9.2", none), "machine-unknown", "QEMU 7.2 has no 9.2 type"));

        // QEMU 10 pc-i440fx-7.2 with many devices
        f = "compat/q10-pc-7.2-devices.mig.zst";
        CompatTarget d10 = q10("pc-i440fx-7.2", PC_DEVICES);
        CompatTarget d72 = q72("pc-i440fx-7.2", PC_DEVICES);
        c.add(row("pc72dev>q72", f, d72, "ok",
                "QEMU 10 save with -M pc-i440fx-7.2 into QEMU 7.2: machine-type compatibility keeps the stream 7.2's"));
        c.add(row("pc72dev>q10", f, d10, "ok", "back into QEMU 10 with the same machine type"));
        c.add(row("pc72dev>q72-no-balloon", f, d72.withoutDevice("virtio-balloon-pci"), "section",
                "target lacks the virtio-balloon-pci"));
        c.add(row("pc72dev>q72-no-usb-kbd", f, d72.withoutDevice("usb-kbd"), "section",
                "target lacks the usb-kbd on the xhci"));
        c.add(row("pc72dev>q72-smp1", f, d72.plus("-smp", "1"), "section", "target has one CPU, the file two"));
        c.add(row("pc72dev>q72-cpu-default", f, d72.withArgs(without(d72.args(), "-cpu", "max")), "ok",
                "target with the default CPU model (qemu64) instead of max: the CPU model is not in the stream"));
        c.add(row("pc72dev>q10-pc100", f, d10.withMachine("pc-i440fx-10.0"), "machine-type", "newer machine type"));
        c.add(row("pc72dev>q10-pc80", f, d10.withMachine("pc-i440fx-8.0"), "machine-type", "newer machine type"));

        // QEMU 10 pc-q35-7.2 with devices
        f = "compat/q10-q35-7.2-devices.mig.zst";
        c.add(row("q3572dev>q72", f, q72("pc-q35-7.2", Q35_DEVICES), "ok", "QEMU 10 q35-7.2 save into QEMU 7.2"));
        c.add(row("q3572dev>q10", f, q10("pc-q35-7.2", Q35_DEVICES), "ok", "back into QEMU 10"));
        c.add(row("q3572dev>q72-pc72", f, q72("pc-i440fx-7.2", Q35_DEVICES), "machine-type", "pc instead of q35"));

        // QEMU 10 pc-i440fx-7.2 with igb
        f = "compat/q10-pc-7.2-igb.mig.zst";
        c.add(row("igb>q10", f, q10("pc-i440fx-7.2", IGB), "ok", "same command line"));
        c.add(row("igb>q72-igb", f, q72("pc-i440fx-7.2", IGB), "device-unknown", "QEMU 7.2 has no igb device type"));
        c.add(row("igb>q72-no-igb", f, q72("pc-i440fx-7.2", none), "section",
                "QEMU 7.2 without the igb (igb has no option ROM, so no RAM block either)"));
        c.add(row("igb>q72-e1000e", f, q72("pc-i440fx-7.2", list("-device", "e1000e,addr=0x5")), "section",
                "QEMU 7.2 with an e1000e on the igb's slot (its extra ROM block is harmless)"));

        // QEMU 10 pc-i440fx-7.2, e1000e with migrate-timadj=on
        f = "compat/q10-pc-7.2-e1000e-timadj.mig.zst";
        c.add(row("timadj>q10", f, q10("pc-i440fx-7.2", TIMADJ), "ok", "same command line"));
        c.add(row("timadj>q10-timadj-off", f, q10("pc-i440fx-7.2", list("-device", "e1000e,addr=0x5")),
                "field-layout", "QEMU 10 with pc-i440fx-7.2's default migrate-timadj=off: does not read core.timadj"));
        c.add(row("timadj>q72", f, q72("pc-i440fx-7.2", list("-device", "e1000e,addr=0x5")), "field-layout",
                "QEMU 7.2's e1000e has no core.timadj"));

        // QEMU 10 pc-i440fx-7.2, PIC in LTIM mode: subsection i8259/ltim
        f = "compat/q10-pc-7.2-pic-ltim.mig.zst";
        c.add(row("ltim>q10", f, q10("pc-i440fx-7.2", none), "ok", "QEMU 10 knows i8259/ltim"));
        c.add(row("ltim>q72", f, q72("pc-i440fx-7.2", none), "subsection",
                "QEMU 7.2 does not know the subsection i8259/ltim"));

        // QEMU 10 pc-i440fx-7.2, am53c974: nested vmstate esp v7 (QEMU 7.2 has v6)
        f = "compat/q10-pc-7.2-am53c974.mig.zst";
        List<String> esp = list("-device", "am53c974,addr=0x5");
        c.add(row("esp>q10", f, q10("pc-i440fx-7.2", esp), "ok", "same command line"));
        c.add(row("esp>q72", f, q72("pc-i440fx-7.2", esp), "ok",
                "nested struct esp is v7 in the file, v6 in QEMU 7.2: nested versions are not checked, and"
                        + " esp's fields are laid out for 7.2 (mig_version_id)"));

        // QEMU 10 without configuration record
        f = "compat/q10-pc-10.0-no-config.mig.zst";
        c.add(row("noconfig>q10-pc100", f, q10("pc-i440fx-10.0", none), "configuration",
                "target requires a configuration record (send-configuration defaults to on)"));
        c.add(row("noconfig>q10-pc100-noconfig", f, q10("pc-i440fx-10.0", list("-global", NO_CONFIG)), "ok",
                "target with send-configuration=off"));
        c.add(row("noconfig>q10-q35100-noconfig", f, q10("pc-q35-10.0", list("-global", NO_CONFIG)), "section",
                "no machine type to compare: the pc sections are unknown to q35"));
        c.add(row("noconfig>q10-pc92-noconfig", f, q10("pc-i440fx-9.2", list("-global", NO_CONFIG)), "ok",
                "no machine type to compare: pc-i440fx-9.2 accepts the 10.0 sections"));
        c.add(row("noconfig>q72-pc72-noconfig", f, q72("pc-i440fx-7.2", list("-global", NO_CONFIG)), "record-kind",
                "no machine type to compare, into QEMU 7.2: the 10.0 machine type sends the SWITCHOVER_START"
                        + " command (0x0b), which 7.2 does not know"));

        // QEMU 10 without section footers
        f = PC100_NO_FOOTERS;
        c.add(row("nofooters>q10-pc100", f, q10("pc-i440fx-10.0", none), "footer", "target expects footers"));
        c.add(row("nofooters>q10-pc100-nofooters", f, q10("pc-i440fx-10.0", list("-global", NO_FOOTERS)), "ok",
                "target with send-section-footer=off"));

        // capabilities
        f = "compat/q10-pc-10.0-x-ignore-shared.mig.zst";
        c.add(row("xis>q10", f, q10("pc-i440fx-10.0", none), "capability", "target without x-ignore-shared"));
        c.add(row("xis>q10-xis", f, q10("pc-i440fx-10.0", none).withCapability("x-ignore-shared", true), "ok",
                "target with x-ignore-shared"));
        f = PC100_MAPPED_RAM;
        c.add(row("mapped>q10", f, q10("pc-i440fx-10.0", none), "capability", "mapped-ram file, target without"));
        c.add(row("mapped>q10-mapped", f, q10("pc-i440fx-10.0", none).withCapability("mapped-ram", true), "ok",
                "mapped-ram file, target with mapped-ram"));

        // QEMU 7.2 pc-i440fx-7.2, nothing but the guest
        f = Q72_PC72;
        c.add(row("q72pc72>q10-pc72", f, q10("pc-i440fx-7.2", none), "ok", "7.2 file into QEMU 10 with the 7.2 type"));
        c.add(row("q72pc72>q10-pc71", f, q10("pc-i440fx-7.1", none), "machine-type", "other versioned type"));
        c.add(row("q72pc72>q10-q3572", f, q10("pc-q35-7.2", none), "machine-type", "other machine family"));
        c.add(row("q72pc72>q10-pc100", f, q10("pc-i440fx-10.0", none), "machine-type", "QEMU 10's default type"));
        c.add(row("q72pc72>q72-pc72", f, q72("pc-i440fx-7.2", none), "ok", "back into QEMU 7.2"));

        // QEMU 7.2 with the devices
        f = "compat/q72-pc-7.2-devices.mig.zst";
        c.add(row("q72pc72dev>q10", f, d10, "ok", "7.2 file with devices into QEMU 10 with the 7.2 type"));
        c.add(row("q72pc72dev>q72", f, d72, "ok", "back into QEMU 7.2"));
        c.add(row("q72pc72dev>q10-timadj-on", f, d10.plus("-global", "e1000e.migrate-timadj=on"), "field-layout",
                "QEMU 10 told to read e1000e core.timadj, which the 7.2 file lacks"));
        c.add(row("q72pc72dev>q10-pc100", f, d10.withMachine("pc-i440fx-10.0"), "machine-type", "QEMU 10 default"));

        // QEMU 7.2 q35 and old machine types
        f = "compat/q72-q35-7.2.mig.zst";
        c.add(row("q72q3572>q10-q3572", f, q10("pc-q35-7.2", none), "ok", "7.2 q35 file into QEMU 10"));
        c.add(row("q72q3572>q10-q35100", f, q10("pc-q35-10.0", none), "machine-type", "QEMU 10's q35"));
        f = "compat/q72-pc-2.4.mig.zst";
        c.add(row("q72pc24>q10-pc24", f, q10("pc-i440fx-2.4", none), "ok", "old machine type kept by QEMU 10"));
        c.add(row("q72pc24>q10-pc25", f, q10("pc-i440fx-2.5", none), "machine-type", "neighbouring old type"));
        c.add(row("q72pc24>q72-pc24", f, q72("pc-i440fx-2.4", none), "ok", "back into QEMU 7.2"));
        f = Q72_PC14;
        c.add(row("q72pc14>q72-pc14", f, q72("pc-i440fx-1.4", none), "ok", "back into QEMU 7.2"));
        c.add(row("q72pc14>q10-pc14", f, q10("pc-i440fx-1.4", none), "machine-unknown", "QEMU 10 has no 1.4 type"));
        c.add(row("q72pc14>q10-pc24", f, q10("pc-i440fx-2.4", none), "configuration",
                "QEMU 10 pc-i440fx-2.4 requires a configuration record; a 1.4 stream has none"));
        c.add(row("q72pc14>q10-pc24-nocfg-nofooters", f,
                q10("pc-i440fx-2.4", list("-global", NO_CONFIG, "-global", NO_FOOTERS)), "ram-size",
                "QEMU 10 pc-i440fx-2.4 told to expect neither configuration nor footers: pc.bios is 128 KiB in"
                        + " the 1.4 file (bios.bin), 256 KiB in the target (bios-256k.bin)"));
        c.add(row("q72pc14>q10-pc24-nocfg-nofooters-bios128k", f,
                q10("pc-i440fx-2.4", list("-global", NO_CONFIG, "-global", NO_FOOTERS, "-bios", "bios.bin")),
                "field-layout", "as before with the 128 KiB BIOS: the stream desynchronises inside piix4_pm,"
                        + " whose fields QEMU 10's pc-i440fx-2.4 reads differently from 7.2's pc-i440fx-1.4"));

        // zlib compression (QEMU 7.2 capability compress)
        f = Q72_PC72_COMPRESS;
        c.add(row("compress>q10-pc72", f, q10("pc-i440fx-7.2", none), "record-kind",
                "QEMU 10 no longer reads COMPRESS_PAGE records"));
        c.add(row("compress>q10-pc72-compress", f, q10("pc-i440fx-7.2", none).withCapability("compress", true),
                "setup-failed", "QEMU 10 has no compress capability any more"));
        c.add(row("compress>q72-pc72", f, q72("pc-i440fx-7.2", none), "record-kind",
                "QEMU 7.2 without the compress capability refuses compressed pages"));
        c.add(row("compress>q72-pc72-compress", f, q72("pc-i440fx-7.2", none).withCapability("compress", true), "ok",
                "QEMU 7.2 with compress"));
        return c;
    }

    private static CompatCase row(String id, String file, CompatTarget target, String check, String description) {
        return new CompatCase(id, file, target, check, description);
    }

    private static List<String> without(List<String> args, String option, String value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option) && i + 1 < args.size() && args.get(i + 1).equals(value)) {
                i++;
                continue;
            }
            out.add(args.get(i));
        }
        return out;
    }
}
