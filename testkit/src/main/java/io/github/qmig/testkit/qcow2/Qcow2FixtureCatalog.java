package io.github.qmig.testkit.qcow2;

import io.github.qmig.testkit.Qemu;
import java.util.List;

/** The fixtures in {@code testdata/qcow2/}: one {@link Qcow2FixtureSpec} each. */
public final class Qcow2FixtureCatalog {
    private Qcow2FixtureCatalog() {}

    /** All specs, in generation order. */
    public static List<Qcow2FixtureSpec> all() {
        return List.of(
                Qcow2FixtureSpec.builder("x86-pc-qemu10-v3")
                        .description("QEMU 10, qcow2 v3, 64 KiB clusters, 32 MiB disk: four internal snapshots with"
                                + " VM state (HMP savevm and QMP snapshot-save, paused and running), one more deleted"
                                + " in the middle, one disk-only; disk clusters plain, compressed and zero")
                        .options("compat=1.1,cluster_size=65536")
                        .qemuIo("write -P 0x11 0 128k")
                        .savevm("s1-paused", true)
                        .qemuIo("write -c -P 0x22 1M 64k")
                        .sleep(300)
                        .savevm("s2-deleted", false)
                        .qemuIo("write -z 2M 64k")
                        .sleep(300)
                        .savevm("s3-hmp-running", false)
                        .qemuIo("write -P 0x33 64k 64k")
                        .sleep(300)
                        .snapshotSave("s4-qmp-running", false)
                        .delvm("s2-deleted")
                        .qemuIo("write -P 0x44 3M 4k")
                        .snapshotSave("s5-qmp-paused", true)
                        .afterVm("snapshot", "-c", "s6-disk-only", "${image}")
                        .note("s6-disk-only was made by qemu-img snapshot -c after QEMU quit: a disk-only snapshot"
                                + " (vm_state_size 0, VM clock 0) that -loadvm refuses.")
                        .note("Snapshot IDs 1, 3, 4, 5: ID 2 (s2-deleted) was deleted with delvm before s5 was"
                                + " taken, so its clusters were freed and the table was rewritten.")
                        .build(),
                Qcow2FixtureSpec.builder("x86-pc-qemu72-v3")
                        .description("QEMU 7.2, qcow2 v3 (created by qemu-img 10), two HMP savevm snapshots (paused,"
                                + " running)")
                        .binary(Qemu.qemu72())
                        .options("compat=1.1,cluster_size=65536")
                        .qemuIo("write -P 0x11 0 64k")
                        .savevm("s1-paused", true)
                        .sleep(300)
                        .savevm("s2-running", false)
                        .note("The image was created by qemu-img 10.0.2 (QEMU 7.2 has no qemu-img here); every"
                                + " snapshot, L1/L2 table and VM state cluster was written by QEMU 7.2.")
                        .build(),
                Qcow2FixtureSpec.builder("x86-pc-qemu10-v2")
                        .description("QEMU 10, qcow2 v2 (compat=0.10), 16 MiB disk: snapshot 'first' (ID 1) and a"
                                + " snapshot named '1' (ID 2)")
                        .diskSize("16M")
                        .options("compat=0.10")
                        .qemuIo("write -P 0x11 0 64k")
                        .savevm("first", true)
                        .sleep(300)
                        .savevm("1", true)
                        .note("The second snapshot's name '1' equals the first one's ID. QEMU 10 -loadvm 1 checks"
                                + " that a snapshot NAMED '1' exists (ID 2), but the qcow2 driver then switches to the"
                                + " snapshot whose ID OR name is '1', trying IDs first: it loads ID 1 ('first'). The"
                                + " sidecar shows it: loadvm of ID 2 gives ID 1's RAM, not ID 2's source RAM.")
                        .build(),
                Qcow2FixtureSpec.builder("x86-pc-qemu10-4k")
                        .description("QEMU 10, qcow2 v3 with 4 KiB clusters (one L2 table maps 2 MiB), 16 MiB disk:"
                                + " HMP and QMP snapshots")
                        .diskSize("16M")
                        .options("compat=1.1,cluster_size=4096")
                        .qemuIo("write -P 0x11 0 64k")
                        .savevm("s1-paused", true)
                        .qemuIo("write -c -P 0x22 1M 4k")
                        .sleep(300)
                        .snapshotSave("s2-qmp-running", false)
                        .build(),
                Qcow2FixtureSpec.builder("x86-pc-qemu10-2m")
                        .description("QEMU 10, qcow2 v3 with 2 MiB clusters (the maximum), 16 MiB disk: one snapshot")
                        .diskSize("16M")
                        .options("compat=1.1,cluster_size=2M")
                        .qemuIo("write -P 0x11 0 64k")
                        .savevm("s1-paused", true)
                        .build(),
                Qcow2FixtureSpec.builder("x86-pc-qemu10-extl2")
                        .description("QEMU 10, qcow2 v3 with extended L2 entries (subclusters, incompatible bit 4),"
                                + " 64 KiB clusters: one snapshot")
                        .diskSize("16M")
                        .options("compat=1.1,cluster_size=65536,extended_l2=on")
                        .qemuIo("write -P 0x11 0 4k")
                        .qemuIo("write -z 64k 2k")
                        .savevm("s1-paused", true)
                        .build(),
                Qcow2FixtureSpec.builder("x86-pc-qemu10-zstd")
                        .description("QEMU 10, qcow2 v3 with compression_type=zstd (incompatible bit 3) and a"
                                + " zstd-compressed disk cluster: one snapshot")
                        .diskSize("16M")
                        .options("compat=1.1,cluster_size=65536,compression_type=zstd")
                        .qemuIo("write -c -P 0x22 0 64k")
                        .savevm("s1-paused", true)
                        .build(),
                Qcow2FixtureSpec.builder("x86-pc-qemu10-resized")
                        .description("QEMU 10, qcow2 v3, 4 KiB clusters: snapshot taken with a 16 MiB disk, image then"
                                + " resized to 48 MiB (snapshot disk_size != virtual size)")
                        .diskSize("16M")
                        .options("compat=1.1,cluster_size=4096")
                        .qemuIo("write -P 0x11 0 64k")
                        .savevm("s1-paused", true)
                        .resizeTo("48M")
                        .note("snapshots[].loadvm ran before the resize, after_resize.loadvm after it: QEMU loads"
                                + " the same RAM, because switching to a snapshot first truncates the disk to the"
                                + " snapshot's disk_size (which moves the VM state area back). The VM state is at"
                                + " size_to_l1(16 MiB) = L1 index 8 (byte 16 MiB); the current 48 MiB would give L1"
                                + " index 24 (byte 48 MiB), where this snapshot has nothing.")
                        .build(),
                Qcow2FixtureSpec.builder("x86-pc-qemu10-rr")
                        .description("QEMU 10 under record/replay (-icount shift=auto,rr=record, blkreplay drive):"
                                + " snapshots carry icount; every savevm also made a disk-only twin of the same name")
                        .diskSize("16M")
                        .options("compat=1.1,cluster_size=65536")
                        .recordReplay()
                        .sleep(500)
                        .savevm("later", false)
                        .note("rrsnapshot=init makes snapshot 'init' at start-up. The VM state was written through"
                                + " the qcow2 node and the snapshot made on both the qcow2 node and the blkreplay"
                                + " filter (which passes it on to the same image): each name appears twice, the"
                                + " second with vm_state_size 0 (disk-only).")
                        .note("These states hold a 'replay' section: QEMU loads them only in replay mode"
                                + " (rr=replay with the replay log, <name>.replay.bin.zst).")
                        .build(),
                Qcow2FixtureSpec.builder("refuse-data-file")
                        .description("qcow2 v3 with an external data file (incompatible bit 2, header extension"
                                + " 0x44415441): internal snapshots are unsupported; no data file is shipped")
                        .diskSize("16M")
                        .createArgs("-o", "compat=1.1,data_file=refuse-data-file.raw")
                        .metadataOnly()
                        .build(),
                Qcow2FixtureSpec.builder("refuse-aes")
                        .description("qcow2 v3 with legacy AES encryption (crypt_method 1)")
                        .diskSize("16M")
                        .createArgs("--object", "secret,id=sec0,data=qmig", "-o",
                                "compat=1.1,encrypt.format=aes,encrypt.key-secret=sec0")
                        .metadataOnly()
                        .build());
    }
}
