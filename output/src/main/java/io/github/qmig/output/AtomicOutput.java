package io.github.qmig.output;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * An output that appears only when complete: bytes go to a temporary file beside the target, which
 * {@link #commit()} fsyncs (unless created without sync), renames into place and, by fsyncing the
 * directory, makes the rename itself durable. Closing without committing (any failure, Ctrl-C
 * through the shutdown hook) deletes the temporary file and leaves an existing target as it was.
 */
public final class AtomicOutput implements Closeable {

    private static final SecureRandom RANDOM = new SecureRandom();

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
     * @throws IOException if the target is one of the inputs or its directory is not writable
     */
    public static AtomicOutput create(Path target, Path... inputs) throws IOException {
        return create(target, OutputOptions.defaults(), inputs);
    }

    /**
     * Creates the temporary file for {@code target}; {@link #commit()} fsyncs it only if
     * {@code options.sync()}.
     *
     * @param inputs files the output must not replace
     * @throws IOException if the target is one of the inputs or its directory is not writable
     */
    public static AtomicOutput create(Path target, OutputOptions options, Path... inputs) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        for (Path in : inputs) {
            if (in != null && sameFile(abs, in)) {
                throw new IOException(target + ": output is the same file as the input; refusing to overwrite it");
            }
        }
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) {
            throw new IOException(target + ": is a directory");
        }
        Path temp = createBeside(abs, false);
        keepPermissions(abs, temp);
        FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new AtomicOutput(abs, temp, ch, options.sync());
    }

    /**
     * Creates a new, uniquely named file or directory beside {@code target} to be renamed onto it.
     * Unlike {@code Files.createTempFile} (mode 0600, 0700 for a directory), it gets the permissions
     * any new file gets (0666 or 0777 less the umask, as {@code cp} and QEMU's own outputs), so that
     * whoever reads the target (a libvirt or QEMU user, a web server) can read what replaces it.
     * {@code O_EXCL} keeps it from following a link planted under the name.
     */
    public static Path createBeside(Path target, boolean directory) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = target.resolveSibling("." + target.getFileName() + "."
                    + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".qmig-tmp");
            try {
                return directory ? Files.createDirectory(p) : Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
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

    private static boolean sameFile(Path target, Path input) throws IOException {
        Path in = input.toAbsolutePath().normalize();
        if (in.equals(target)) {
            return true;
        }
        return Files.exists(target) && Files.exists(in) && Files.isSameFile(target, in);
    }

    public FileChannel channel() {
        return channel;
    }

    /**
     * The error to report for a failure while this output was being written: format errors name the
     * input already and pass unchanged; any other I/O error (disk full, file too large) is given the
     * target's name.
     */
    public IOException named(IOException e) {
        return named(target, e);
    }

    /** {@link #named(IOException)} for an output at {@code target} (a file or, for extract, a directory). */
    public static IOException named(Path target, IOException e) {
        if (e instanceof io.github.qmig.codec.MigrationFormatException) {
            return e;
        }
        return new IOException(target + ": " + (e.getMessage() != null ? e.getMessage() : e) + " (writing the output)", e);
    }

    public Path target() {
        return target;
    }

    /** Flushes to disk (if syncing) and moves the file into place. */
    public void commit() throws IOException {
        if (sync) {
            channel.force(true);
        }
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
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
