package io.github.qmig.compat.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What running a target binary needs in one place: ending it with every child, its output, its error line. */
final class Processes {

    /** QEMU's {@code error_report} prefix: the program's name ({@code qemu-system-x86_64: }). */
    private static final Pattern PREFIX = Pattern.compile("^[^\\s:]*qemu[^\\s:]*: ");

    private Processes() {
    }

    /**
     * Ends {@code p} and every process it started (a wrapper script's QEMU), forcibly, and waits
     * for them; the descendants are found first, while they still are descendants.
     */
    static void kill(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle c : children) {
                c.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // nothing more can be done than SIGKILL
        }
    }

    /** At most {@code max} bytes of a file the process wrote, as text ("" if it does not exist). */
    static String head(Path file, int max) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(max), StandardCharsets.UTF_8);
        }
    }

    /**
     * The line of QEMU's error output that says what failed: the first that is not a warning, its
     * program-name prefix removed ({@code -device igb,addr=0x5: 'igb' is not a valid device model
     * name}); else the last line; else {@code fallback}.
     */
    static String firstError(String stderr, String fallback) {
        String last = null;
        for (String line : stderr.split("\r?\n")) {
            String l = PREFIX.matcher(line.strip()).replaceFirst("");
            if (l.isEmpty()) {
                continue;
            }
            if (!l.startsWith("warning:")) {
                return l;
            }
            last = l;
        }
        return last != null ? last : fallback;
    }

    /** Deletes a directory the probe made, with what is in it. */
    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover in the temporary directory, no more
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }
}
