package io.github.qmig.testkit.qcow2;

import io.github.qmig.testkit.Qemu;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one qcow2 fixture of {@code testdata/qcow2/} is made: the image ({@code qemu-img create}
 * options), the VM that runs the test guest on it as its IDE disk, and the {@link Qcow2Step}s done
 * to that VM (internal snapshots taken and deleted, disk writes).
 *
 * @param name file name stem ({@code NAME.qcow2.zst}, {@code NAME.json})
 * @param description one line for the sidecar
 * @param binary QEMU that runs the source VM and the {@code -loadvm} checks
 * @param machine {@code -machine} value
 * @param memory {@code -m} value
 * @param append guest command line ({@code -append})
 * @param diskSize virtual disk size for {@code qemu-img create}
 * @param createOptions extra {@code qemu-img create} arguments before the file name ({@code -o ...},
 *     {@code --object ...})
 * @param recordReplay run the source under record/replay ({@code -icount ...,rr=record} and a
 *     {@code blkreplay} drive); the {@code -loadvm} checks then run in replay mode
 * @param runVm false for images that only carry metadata (no VM ever opens them)
 * @param steps what is done to the running VM, in order
 * @param afterVm {@code qemu-img} commands run on the image after the VM quit (arguments; {@code
 *     ${image}} is the image), e.g. {@code snapshot -c NAME} for a disk-only snapshot
 * @param resizeTo if set, {@code qemu-img resize} to this size after the {@code -loadvm} checks
 * @param notes free text for the sidecar
 */
public record Qcow2FixtureSpec(
        String name,
        String description,
        String binary,
        String machine,
        String memory,
        String append,
        String diskSize,
        List<String> createOptions,
        boolean recordReplay,
        boolean runVm,
        List<Qcow2Step> steps,
        List<List<String>> afterVm,
        String resizeTo,
        List<String> notes) {

    /** Node name of the disk in the source VM (HMP {@code qemu-io}, QMP {@code snapshot-save}). */
    public static final String DISK_NODE = "disk0";

    /** Validates and copies. */
    public Qcow2FixtureSpec {
        Objects.requireNonNull(name, "name");
        createOptions = List.copyOf(createOptions);
        steps = List.copyOf(steps);
        afterVm = afterVm.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
    }

    /** A builder with the defaults: QEMU 10 {@code qemu-system-x86_64}, {@code pc}, 128 MiB, 32 MiB disk. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds {@link Qcow2FixtureSpec}s. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private String binary = Qemu.DEFAULT_BINARY;
        private String machine = "pc";
        private String memory = "128M";
        private String append = "fill=4 dirty=64";
        private String diskSize = "32M";
        private final List<String> createOptions = new ArrayList<>();
        private boolean recordReplay;
        private boolean runVm = true;
        private final List<Qcow2Step> steps = new ArrayList<>();
        private final List<List<String>> afterVm = new ArrayList<>();
        private String resizeTo;
        private final List<String> notes = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder description(String d) {
            this.description = d;
            return this;
        }

        public Builder binary(String b) {
            this.binary = b;
            return this;
        }

        public Builder diskSize(String s) {
            this.diskSize = s;
            return this;
        }

        /** Adds {@code -o OPTIONS} to {@code qemu-img create}. */
        public Builder options(String options) {
            createOptions.add("-o");
            createOptions.add(options);
            return this;
        }

        /** Adds raw arguments to {@code qemu-img create} (before the file name). */
        public Builder createArgs(String... args) {
            createOptions.addAll(List.of(args));
            return this;
        }

        public Builder recordReplay() {
            this.recordReplay = true;
            return this;
        }

        /** The image is created and never opened by a VM. */
        public Builder metadataOnly() {
            this.runVm = false;
            return this;
        }

        public Builder savevm(String snapshot, boolean paused) {
            steps.add(new Qcow2Step.Savevm(snapshot, paused));
            return this;
        }

        public Builder snapshotSave(String tag, boolean paused) {
            steps.add(new Qcow2Step.SnapshotSave(tag, paused));
            return this;
        }

        public Builder delvm(String snapshot) {
            steps.add(new Qcow2Step.Delvm(snapshot));
            return this;
        }

        public Builder qemuIo(String command) {
            steps.add(new Qcow2Step.QemuIo(command));
            return this;
        }

        public Builder sleep(long millis) {
            steps.add(new Qcow2Step.Sleep(millis));
            return this;
        }

        /** Runs {@code qemu-img ARGS} on the image after the VM quit ({@code ${image}} is the image). */
        public Builder afterVm(String... qemuImgArgs) {
            afterVm.add(List.of(qemuImgArgs));
            return this;
        }

        public Builder resizeTo(String size) {
            this.resizeTo = size;
            return this;
        }

        public Builder note(String n) {
            notes.add(n);
            return this;
        }

        public Qcow2FixtureSpec build() {
            return new Qcow2FixtureSpec(name, description, binary, machine, memory, append, diskSize,
                    createOptions, recordReplay, runVm, steps, afterVm, resizeTo, notes);
        }
    }
}
