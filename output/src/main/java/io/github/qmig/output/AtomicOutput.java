package io.github.qmig.output;

import io.github.qmig.codec.MigrationFormatException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file output that appears only when complete: bytes go to a temporary file beside the target
 * ({@link TempNames}), which {@link #commit()} fsyncs (unless created without sync), renames into
 * place and, by fsyncing the directory, makes the rename itself durable. Closing without committing
 * (any failure, Ctrl-C or SIGTERM through the shutdown hook) deletes the temporary file and leaves
 * an existing target as it was. A symbolic link is followed: the file it names is replaced, in its
 * own directory, as {@code cp} onto a link writes the file.
 */
public final class AtomicOutput implements Closeable {

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final boolean sync;
    private final Thread cleanup;
    private boolean committed;

    private AtomicOutput(Path target, Path temp, FileChannel channel, boolean sync) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.sync = sync;
        this.cleanup = new Thread(this::discard, "qmig-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Creates the temporary file for {@code target}.
     *
     * @param inputs files the output must not replace
     * @throws IOException if the target is one of the inputs or a directory
     * @throws UnsuitableOutputException if it is not a regular file (see {@link Output} for FIFOs
     *         and devices)
     */
    public static AtomicOutput create(Path target, Path... inputs) throws IOException {
        return create(target, OutputOptions.defaults(), inputs);
    }

    /** As {@link #create(Path, Path...)}; {@link #commit()} fsyncs only if {@code options.sync()}. */
    public static AtomicOutput create(Path target, OutputOptions options, Path... inputs) throws IOException {
        Path abs = Targets.resolve(target);
        for (Path in : inputs) {
            if (in != null && Targets.sameFile(abs, in)) {
                throw new IOException(target + ": output is the same file as the input; refusing to overwrite it");
            }
        }
        switch (Targets.kind(abs)) {
            case DIRECTORY -> throw new IOException(target + ": is a directory");
            case SPECIAL -> throw new UnsuitableOutputException(target + ": is not a regular file; it is never replaced");
            default -> {
            }
        }
        Path temp = TempNames.createBeside(abs, false);
        keepPermissions(abs, temp);
        FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new AtomicOutput(abs, temp, ch, options.sync());
    }

    /**
     * A target that exists keeps its permissions when replaced, as {@code cp} onto it keeps them (its
     * owner and group cannot be kept without privileges). Nothing to do where there are no POSIX
     * permissions.
     */
    private static void keepPermissions(Path target, Path temp) throws IOException {
        if (Files.isRegularFile(target) && Files.getFileStore(temp).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
        }
    }

    public FileChannel channel() {
        return channel;
    }

    /**
     * The error to report for a failure while this output was being written: format errors name the
     * input already and pass unchanged; any other I/O error (disk full, file too large) is said of
     * the target, and the temporary file's name, which the user never gave, is not shown.
     */
    public IOException named(IOException e) {
        return named(target, temp, e);
    }

    /** {@link #named(IOException)} for an output at {@code target} written as {@code temp} (or null). */
    static IOException named(Path target, Path temp, IOException e) {
        if (e instanceof MigrationFormatException || e instanceof UnsuitableOutputException) {
            return e;
        }
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (temp != null) {
            why = why.replace(temp.toString() + ": ", "").replace(temp.toString(), target.toString());
        }
        return new IOException(target + ": " + why + " (writing the output)", e);
    }

    public Path target() {
        return target;
    }

    /** Flushes to disk (if syncing) and moves the file into place. */
    public void commit() throws IOException {
        try {
            if (sync) {
                channel.force(true);
            }
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw named(e);
        }
        committed = true;
        removeHook();
        if (sync) {
            syncDirectory(target.getParent());
        }
    }

    /**
     * Fsyncs a directory, so that the names created, renamed or removed in it survive a power loss
     * (a file's own fsync does not cover its directory entry: fsync(2)). Where directories cannot be
     * opened (not POSIX), there is nothing to do.
     */
    public static void syncDirectory(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (UnsupportedOperationException | IOException e) {
            return;
        }
        try (ch) {
            ch.force(true);
        }
    }

    private void discard() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is deleted next; nothing else to do
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort on the failure path
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs and finds nothing to delete
        }
    }

    @Override
    public void close() {
        if (!committed) {
            discard();
            removeHook();
        }
    }
}
