package io.github.qmig.output;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The temporary names outputs are written under, beside their targets:
 * {@code .NAME.<pid>.<random>.qmig-tmp}. The process id makes the leftover of a run that died
 * without cleaning up (SIGKILL, a power loss) recognisable: the next run to the same target removes
 * those whose process is gone, and only those.
 */
final class TempNames {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SUFFIX = ".qmig-tmp";

    private TempNames() {
    }

    /**
     * Creates a new, uniquely named file or directory beside {@code target}. Unlike
     * {@code Files.createTempFile} (mode 0600, 0700 for a directory), it gets the permissions any
     * new file gets (0666 or 0777 less the umask, as {@code cp} and QEMU's own outputs), so that
     * whoever reads the target can read what replaces it. {@code O_EXCL} keeps it from following a
     * link planted under the name.
     */
    static Path createBeside(Path target, boolean directory) throws IOException {
        removeLeftovers(target);
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; ; attempt++) {
            Path p = target.resolveSibling("." + target.getFileName() + "." + pid + "."
                    + Long.toUnsignedString(RANDOM.nextLong(), 36) + SUFFIX);
            try {
                return directory ? Files.createDirectory(p) : Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    /** Removes the temporaries of {@code target} left by processes that no longer run. */
    static void removeLeftovers(Path target) {
        Path dir = target.getParent();
        Pattern mine = Pattern.compile(Pattern.quote("." + target.getFileName() + ".") + "(\\d+)\\.[0-9a-z]+"
                + Pattern.quote(SUFFIX));
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "." + glob(target.getFileName().toString()) + ".*" + SUFFIX)) {
            for (Path p : s) {
                Matcher m = mine.matcher(p.getFileName().toString());
                if (m.matches() && !alive(Long.parseLong(m.group(1)))) {
                    deleteTree(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a directory that cannot be listed has no leftovers we could remove
        }
    }

    private static String glob(String name) {
        return name.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
    }

    private static boolean alive(long pid) {
        return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Deletes a file or a directory tree, as far as it can (best effort on failure paths). */
    static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.deleteIfExists(x);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // nothing left to clean
        }
    }
}
