package io.github.qmig.testkit;

import io.github.qmig.testkit.FixtureSpec.Mode;
import java.util.List;
import java.util.Map;

/** The fixtures in {@code testdata/}: one {@link FixtureSpec} each. */
public final class FixtureCatalog {
    /** The x86 guest kernel, as a fixture argument. */
    public static final String KERNEL = "${testdata}/guest/build/qmig-guest.elf";
    /** The RAM blob for non-x86 machines, as a fixture argument. */
    public static final String BLOB = "${testdata}/guest/build/ram-blob.bin";

    /**
     * Live saves: 64 MiB/s, a 1 MiB/s switchover bandwidth estimate and 1 ms downtime keep QEMU
     * iterating until the downtime limit is raised.
     */
    private static final long BANDWIDTH = 64L << 20;
    private static final Map<String, Object> FINISH = Map.of("downtime-limit", 2000);

    private FixtureCatalog() {}

    /** All fixture specs, in generation order. */
    public static List<FixtureSpec> all() {
        String q72 = Qemu.qemu72();
        return List.of(
                x86("x86-pc-128M-paused", "pc")
                        .description("x86 pc, guest filled 8 MiB, stopped, plain stream").build(),
                x86("x86-q35-128M-paused", "q35")
                        .description("x86 q35, guest filled 8 MiB, stopped, plain stream").build(),
                live("x86-pc-128M-live", 4)
                        .description("x86 pc live: guest rewrites 256 KiB per generation; many PART(ram) sections,"
                                + " final dirty pages in END").build(),
                live("x86-pc-128M-live-xbzrle", 4)
                        .capability("xbzrle", false)
                        .parameter("xbzrle-cache-size", 16L << 20)
                        .minCounter("/xbzrle-cache/pages", 500)
                        .description("x86 pc live with xbzrle: re-sent pages are XBZRLE records"
                                + " (4 changed bytes per page per round)").build(),
                x86("x86-pc-128M-mapped-ram", "pc")
                        .capability("mapped-ram", true)
                        .description("x86 pc mapped-ram, stopped").build(),
                live("x86-pc-128M-mapped-ram-multifd4-live", 3)
                        .capability("mapped-ram", true)
                        .capability("multifd", true)
                        .parameter("multifd-channels", 4)
                        .loadParameter("multifd-channels", 4)
                        .description("x86 pc mapped-ram + multifd (4 channels), live: dirty pages rewritten"
                                + " in place").build(),
                x86("x86-pc-128M-mapped-ram-offset", "pc")
                        .capability("mapped-ram", true)
                        .uriOffset(0x1234)
                        .description("x86 pc mapped-ram written at file:...,offset=0x1234 (the first 0x1234"
                                + " bytes are a hole)").build(),
                x86("x86-pc-128M-background-snapshot", "pc")
                        .mode(Mode.BACKGROUND)
                        .capability("background-snapshot", false)
                        .description("x86 pc background snapshot: no END(ram), device state after RAM")
                        .note("The guest is idle (halted) during the snapshot so that the source RAM hashes"
                                + " equal the file's content.").build(),
                x86("x86-pc-128M-no-footers", "pc")
                        .args("-global", "migration.send-section-footer=off")
                        .description("x86 pc without section footers (migration.send-section-footer=off)").build(),
                x86("x86-pc-128M-no-vmdesc", "pc,suppress-vmdesc=on")
                        .description("x86 pc with suppress-vmdesc=on: file ends with the EOF byte").build(),
                x86("x86-pc-128M-zero-detect-none", "pc")
                        .parameter("zero-page-detection", "none")
                        .description("x86 pc with zero-page-detection=none: zero pages sent as full PAGE"
                                + " records").build(),
                x86("x86-q35-128M-validate-uuid", "q35")
                        .args("-uuid", "12345678-1234-5678-9abc-def012345678")
                        .capability("validate-uuid", true)
                        .description("x86 q35 with -uuid and validate-uuid: configuration/uuid subsection")
                        .build(),
                x86("x86-pc-128M-dirty-bitmaps", "pc")
                        .disk("disk0.qcow2", "16M")
                        .args("-blockdev", "driver=qcow2,node-name=disk0,file.driver=file,file.filename=${work}/disk0.qcow2",
                                "-device", "ide-hd,drive=disk0,bus=ide.0")
                        .capability("dirty-bitmaps", true)
                        .beforeMigrate("block-dirty-bitmap-add", Map.of("node", "disk0", "name", "bitmap0"))
                        .beforeMigrate("human-monitor-command",
                                Map.of("command-line", "qemu-io disk0 \"write -P 0x55 0 192k\""))
                        .description("x86 pc with a qcow2 disk, dirty bitmap bitmap0 (192 KiB dirty) and the"
                                + " dirty-bitmaps capability: POSTCOPY_ADVISE and dirty-bitmap sections").build(),
                blob("aarch64-virt-128M-loader", "qemu-system-aarch64", "virt", 0x41000000L, "-cpu", "cortex-a57")
                        .description("aarch64 virt (cortex-a57), CPU never started, 384 KiB blob at 0x41000000;"
                                + " has configuration/target-page-bits").build(),
                blob("ppc64-pseries-256M-loader", "qemu-system-ppc64", "pseries", 0x1000000L)
                        .memory("256M")
                        .description("ppc64 pseries (256M: pseries needs 256 MiB alignment), CPU never started, 384 KiB blob at 16 MiB; spapr/htab live"
                                + " section").build(),
                blob("s390x-ccw-128M-loader", "qemu-system-s390x", "s390-ccw-virtio", 0x1000000L)
                        .description("s390x s390-ccw-virtio, CPU never started, 384 KiB blob at 16 MiB;"
                                + " s390-storage_attributes, s390-skeys, todclock").build(),
                blob("riscv64-virt-128M-loader", "qemu-system-riscv64", "virt", 0x81000000L)
                        .description("riscv64 virt, CPU never started (OpenSBI loaded, not run), 384 KiB blob at"
                                + " 0x81000000").build(),
                qemu72("x86-pc72-128M-qemu72", "pc-i440fx-7.2")
                        .loadWith(Qemu.DEFAULT_BINARY, "pc-i440fx-7.2")
                        .description("QEMU 7.2, pc-i440fx-7.2, stopped, saved with exec:cat; loads into QEMU 10"
                                + " with -M pc-i440fx-7.2").build(),
                qemu72("x86-pc72-128M-qemu72-compress", "pc-i440fx-7.2")
                        .capability("compress", true)
                        .parameter("compress-threads", 2)
                        .loadWith(q72, "pc-i440fx-7.2")
                        .loadParameter("decompress-threads", 2)
                        .description("QEMU 7.2 with the compress capability: COMPRESS_PAGE (zlib) records")
                        .note("QEMU 9.1+ cannot load COMPRESS_PAGE records; the load-back check uses QEMU 7.2"
                                + " itself.").build(),
                qemu72("x86-pc14-128M-qemu72", "pc-i440fx-1.4")
                        .loadWith(q72, "pc-i440fx-1.4")
                        .description("QEMU 7.2 with machine pc-i440fx-1.4: no CONFIGURATION, no section footers,"
                                + " no VMDESCRIPTION")
                        .note("pc-i440fx-1.4 no longer exists in QEMU 10; the load-back check uses QEMU 7.2.")
                        .build());
    }

    private static FixtureSpec.Builder x86(String name, String machine) {
        return FixtureSpec.builder(name).machine(machine).memory("128M").args("-kernel", KERNEL, "-append", "fill=8");
    }

    /** A live x86 pc save of the dirtying guest, switched over once {@code rounds} dirty-sync rounds ran. */
    public static FixtureSpec.Builder live(String name, int rounds) {
        return FixtureSpec.builder(name)
                .machine("pc")
                .memory("128M")
                .args("-kernel", KERNEL, "-append", "fill=16 dirty=256")
                .mode(Mode.LIVE)
                .parameter("max-bandwidth", BANDWIDTH)
                .parameter("downtime-limit", 1)
                // QEMU's own bandwidth estimate sometimes lets 1 ms suffice; pin the switchover estimate
                .parameter("avail-switchover-bandwidth", 1L << 20)
                .rounds(rounds, FINISH)
                .note("Saved live at max-bandwidth 64 MiB/s, avail-switchover-bandwidth 1 MiB/s and downtime-limit"
                        + " 1 ms; once at least " + rounds + " dirty-sync rounds had run, downtime-limit was raised to"
                        + " 2000 ms so that it converged.");
    }

    private static FixtureSpec.Builder blob(String name, String binary, String machine, long addr, String... extra) {
        FixtureSpec.Builder b = FixtureSpec.builder(name).binary(binary).machine(machine).memory("128M")
                .mode(Mode.NEVER_STARTED);
        b.args(extra);
        return b.args("-device", "loader,file=" + BLOB + ",addr=0x" + Long.toHexString(addr));
    }

    private static FixtureSpec.Builder qemu72(String name, String machine) {
        return FixtureSpec.builder(name).binary(Qemu.qemu72()).machine(machine).memory("128M")
                .args("-kernel", KERNEL, "-append", "fill=8").exec(true);
    }
}
