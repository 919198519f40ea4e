package io.github.qmig.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test guest in {@code testdata/guest/}: builds it and knows its conventions.
 *
 * <p>x86: a multiboot kernel ({@link #kernel()}) started with {@code -kernel K -append "fill=MiB
 * [dirty=KiB] [random]"}; it fills RAM from 16 MiB on and then reports {@link #MAGIC_DONE} at
 * physical {@link #STATUS_ADDRESS}. Other architectures: {@link #blob()} is loaded into RAM with
 * {@code -device loader,file=BLOB,addr=A} and the CPU is never started.
 */
public final class TestGuest {
    /** Guest-physical address of the x86 guest's status block. */
    public static final long STATUS_ADDRESS = 0x500;
    /** Status word while the guest fills memory ("INIT"). */
    public static final long MAGIC_INIT = 0x54494E49L;
    /** Status word once the fill is done ("DONE"). */
    public static final long MAGIC_DONE = 0x454E4F44L;
    /** Guest-physical start of the filled range (16 MiB). */
    public static final long FILL_BASE = 16L << 20;

    private static Path buildDir;

    private TestGuest() {}

    /** Runs {@code testdata/guest/build.sh} once per JVM and returns the build directory. */
    public static synchronized Path build() {
        if (buildDir != null) {
            return buildDir;
        }
        Path script = Fixtures.testdataDir().resolve("guest/build.sh");
        try {
            Path log = Files.createTempFile("qmig-guest-build", ".log");
            try {
                Process p = new ProcessBuilder(List.of("bash", script.toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("guest build timed out");
                }
                String out = Files.readString(log, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("guest build failed:\n" + out);
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        buildDir = script.getParent().resolve("build");
        return buildDir;
    }

    /** The x86 multiboot kernel (built if needed). */
    public static Path kernel() {
        return build().resolve("qmig-guest.elf");
    }

    /** The 384 KiB RAM blob for non-x86 machines (built if needed). */
    public static Path blob() {
        return build().resolve("ram-blob.bin");
    }

    /** {@code -kernel}/{@code -append} arguments for the x86 guest. */
    public static List<String> kernelArgs(String append) {
        return List.of("-kernel", kernel().toString(), "-append", append);
    }

    /**
     * Waits until the x86 guest reports {@link #MAGIC_DONE}.
     *
     * @throws QmpException if it does not within the timeout
     */
    public static void awaitFilled(QemuVm vm, Duration timeout) {
        long deadline = Qmp.deadline(timeout);
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = vm.readPhys32(STATUS_ADDRESS);
            if (last == MAGIC_DONE) {
                return;
            }
            Qmp.sleep(50);
        }
        throw new QmpException(vm.failureMessage("guest did not report DONE within " + timeout
                + " (status word 0x" + Long.toHexString(last) + ")"));
    }

    /** The x86 guest's current dirty generation (word at {@code STATUS_ADDRESS + 4}). */
    public static long generation(QemuVm vm) {
        return vm.readPhys32(STATUS_ADDRESS + 4);
    }
}
