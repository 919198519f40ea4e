package io.github.qmig.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What an output path names, followed through symbolic links as {@code cp} follows them. */
final class Targets {

    /** The kinds of path an output can land on. */
    enum Kind {
        /** A regular file, or nothing yet: written beside, renamed into place. */
        FILE,
        /** A directory. */
        DIRECTORY,
        /** A FIFO, a character or block device, a socket: written into directly, never replaced. */
        SPECIAL
    }

    private Targets() {
    }

    /** {@code path} made absolute, with a final symbolic link (or chain of them) resolved. */
    static Path resolve(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == 40) {
                throw new IOException(path + ": too many levels of symbolic links");
            }
            p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
        }
        return p;
    }

    static Kind kind(Path resolved) throws IOException {
        if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            return Kind.FILE;
        }
        BasicFileAttributes a = Files.readAttributes(resolved, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isDirectory()) {
            return Kind.DIRECTORY;
        }
        return a.isRegularFile() ? Kind.FILE : Kind.SPECIAL;
    }

    /** Whether {@code target} (resolved) is the file {@code input}. */
    static boolean sameFile(Path target, Path input) throws IOException {
        Path in = input.toAbsolutePath().normalize();
        if (in.equals(target)) {
            return true;
        }
        return Files.exists(target) && Files.exists(in) && Files.isSameFile(target, in);
    }
}
