package io.github.qmig.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates QEMU binaries and decides whether QEMU-driven tests run.
 *
 * <p>Tests call {@code assumeTrue(Qemu.available())} (or {@link #available(String)} for another
 * architecture): without QEMU they are skipped, but when the system property {@code
 * qmig.requireQemu=true} is set (CI does), a missing binary throws {@link IllegalStateException}
 * so the test fails instead.
 */
public final class Qemu {
    /** The binary used when none is given. */
    public static final String DEFAULT_BINARY = "qemu-system-x86_64";

    /** Where {@code scripts/install-qemu.sh --with-qemu-7.2} puts the QEMU 7.2 wrapper. */
    public static final String QEMU_72_DEFAULT = "/opt/qemu-7.2/qemu-system-x86_64";

    private Qemu() {}

    /**
     * Finds a binary: an absolute or relative path is checked as is, a bare name is looked up in
     * PATH.
     */
    public static Optional<Path> find(String binary) {
        if (binary.contains("/")) {
            Path p = Path.of(binary);
            return Files.isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, binary);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** {@link #available(String)} for {@value #DEFAULT_BINARY}. */
    public static boolean available() {
        return available(DEFAULT_BINARY);
    }

    /**
     * Whether a QEMU binary can be used.
     *
     * @return true if found; false if missing and QEMU is not required
     * @throws IllegalStateException if missing while {@code qmig.requireQemu=true}
     */
    public static boolean available(String binary) {
        if (find(binary).isPresent()) {
            return true;
        }
        if (required()) {
            throw new IllegalStateException(binary + " not found but qmig.requireQemu=true"
                    + " (install it with scripts/install-qemu.sh)");
        }
        return false;
    }

    /** The QEMU 7.2 wrapper (system property {@code qmig.qemu72}, else {@value #QEMU_72_DEFAULT}). */
    public static String qemu72() {
        return System.getProperty("qmig.qemu72", QEMU_72_DEFAULT);
    }

    /** Whether the system property {@code qmig.requireQemu} is {@code true}. */
    public static boolean required() {
        return Boolean.getBoolean("qmig.requireQemu");
    }

    /** The path to run for a binary name, or the name itself if it cannot be found (start then fails). */
    static String resolve(String binary) {
        return find(binary).map(Path::toString).orElse(binary);
    }
}
