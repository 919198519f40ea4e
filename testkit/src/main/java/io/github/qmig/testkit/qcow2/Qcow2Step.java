package io.github.qmig.testkit.qcow2;

/** One thing done to the running source VM of a {@link Qcow2FixtureSpec}, in order. */
public sealed interface Qcow2Step {
    /**
     * HMP {@code savevm NAME}. With {@code paused}, the guest is stopped first, its RAM hashed
     * (the expected content of the snapshot) and resumed after the save.
     */
    record Savevm(String name, boolean paused) implements Qcow2Step {}

    /**
     * QMP {@code snapshot-save} (a job; {@code vmstate} and {@code devices} name the disk node),
     * waited for until concluded, then dismissed. {@code paused} as for {@link Savevm}.
     */
    record SnapshotSave(String tag, boolean paused) implements Qcow2Step {}

    /** HMP {@code delvm NAME}. */
    record Delvm(String name) implements Qcow2Step {}

    /** HMP {@code qemu-io DISK "COMMAND"}: writes guest-disk clusters (plain, compressed, zero). */
    record QemuIo(String command) implements Qcow2Step {}

    /** Lets the guest run (its dirty loop advances the generation counter). */
    record Sleep(long millis) implements Qcow2Step {}
}
