package io.github.qmig.output;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory output that appears only when complete, as {@link AtomicOutput} is for a file: its
 * files are written into a temporary directory beside the target, which {@link #commit()} renames
 * into place (fsyncing the directory and its parent when syncing). Closing without committing (any
 * failure, Ctrl-C or SIGTERM through the shutdown hook) removes the temporary directory. A target
 * that is an empty mount point cannot be renamed onto: there the files are written in place, and
 * removed again on failure.
 */
public final class AtomicDirectory implements Closeable {

    private final Path target;
    private final Path dir;
    private final boolean inPlace;
    private final boolean sync;
    private final boolean replace;
    private final Thread cleanup;
    private final List<Path> created = new ArrayList<>();
    private boolean committed;

    private AtomicDirectory(Path target, Path dir, boolean inPlace, boolean sync, boolean replace) {
        this.target = target;
        this.dir = dir;
        this.inPlace = inPlace;
        this.sync = sync;
        this.replace = replace;
        this.cleanup = new Thread(this::discard, "qmig-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Prepares {@code target}.
     *
     * @param replace whether a non-empty directory there is replaced (else refused)
     * @throws IOException if the target exists and is not a directory, or is a non-empty
     *         directory and {@code replace} is off
     */
    public static AtomicDirectory create(Path target, OutputOptions options, boolean replace) throws IOException {
        Path abs = Targets.resolve(target);
        Targets.Kind kind = Targets.kind(abs);
        boolean exists = Files.exists(abs);
        if (exists && kind != Targets.Kind.DIRECTORY) {
            throw new IOException(target + ": exists and is not a directory");
        }
        boolean empty = exists && isEmpty(abs);
        if (exists && !empty && !replace) {
            throw new IOException(target + ": is a directory that is not empty (--force replaces it)");
        }
        if (empty && isMountPoint(abs)) {
            return new AtomicDirectory(abs, abs, true, options.sync(), false);
        }
        return new AtomicDirectory(abs, TempNames.createBeside(abs, true), false, options.sync(), replace);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static boolean isMountPoint(Path dir) throws IOException {
        Path parent = dir.getParent();
        return parent != null && !Files.getFileStore(dir).equals(Files.getFileStore(parent));
    }

    /** Where to write the files (the temporary directory, or the mount point itself). */
    public Path dir() {
        return dir;
    }

    public Path target() {
        return target;
    }

    /** Says that {@code file}, in {@link #dir()}, was created by this output (removed again on failure in place). */
    public synchronized Path created(Path file) {
        created.add(file);
        return file;
    }

    /** See {@link AtomicOutput#named}: an I/O error said of the target, not of the temporary directory. */
    public IOException named(IOException e) {
        return AtomicOutput.named(target, inPlace ? null : dir, e);
    }

    /**
     * Moves the directory into place (fsyncing names first when syncing). Synchronized with the
     * shutdown hook's {@link #discard}: a signal during a replacing commit waits for it to finish.
     */
    public synchronized void commit() throws IOException {
        try {
            if (sync) {
                AtomicOutput.syncDirectory(dir);
            }
            if (!inPlace) {
                Path old = null;
                if (Files.exists(target)) {
                    if (replace) {
                        old = TempNames.createBeside(target, false); // a name to move the old one aside to
                        Files.delete(old);
                        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                    } else {
                        Files.delete(target); // an empty directory
                    }
                }
                Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                if (old != null) {
                    TempNames.deleteTree(old);
                }
                if (sync) {
                    AtomicOutput.syncDirectory(target.getParent());
                }
            }
        } catch (IOException e) {
            throw named(e);
        }
        committed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // shutting down already: the hook finds it committed
        }
    }

    private synchronized void discard() {
        if (committed) {
            return;
        }
        if (inPlace) {
            for (Path p : created) {
                TempNames.deleteTree(p);
            }
            return;
        }
        // In a shutdown hook the command's threads still run: a file they create while the tree is
        // removed keeps the directory; remove again.
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            TempNames.deleteTree(dir);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            discard();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // shutting down: the hook runs discard, which is idempotent
            }
        }
    }
}
