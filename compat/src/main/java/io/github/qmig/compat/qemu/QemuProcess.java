package io.github.qmig.compat.qemu;

import io.github.qmig.compat.TargetException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A target QEMU started for a probe, with a QMP socket in a private directory, until closed:
 * {@link #close()} asks it to quit and then ends it, with every process it started, whatever
 * happened; a shutdown hook does the same if qmig itself is ended meanwhile, so no target is ever
 * left running.
 */
final class QemuProcess implements AutoCloseable {

    private final Process process;
    private final Path stderr;
    private final int maxOutput;
    private final Thread hook;
    private QmpClient qmp;

    private QemuProcess(Process process, Path stderr, int maxOutput) {
        this.process = process;
        this.stderr = stderr;
        this.maxOutput = maxOutput;
        this.hook = new Thread(() -> Processes.kill(process), "qmig-compat-probe-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts {@code cmd} (which must give QEMU {@code -qmp unix:SOCKET,server=on,wait=off}) and
     * connects to {@code socket}; if QEMU exits during start-up, the result has no QMP connection
     * ({@link #started()} false) and {@link #stderr()} says why.
     *
     * @throws TargetException if it cannot be started, or neither connects nor exits by {@code deadline}
     */
    static QemuProcess start(List<String> cmd, Path dir, Path socket, long deadline, int maxOutput)
            throws IOException {
        Path err = dir.resolve("stderr.txt");
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new TargetException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        QemuProcess q = new QemuProcess(p, err, maxOutput);
        try {
            while (q.qmp == null) {
                if (!p.isAlive()) {
                    return q;
                }
                if (Files.exists(socket)) {
                    try {
                        q.qmp = QmpClient.connect(socket, deadline, maxOutput);
                    } catch (IOException e) {
                        // QEMU opens its socket before it checks the rest of its command line, and may
                        // exit during the greeting: then it did not start; else the error stands
                        if (!p.waitFor(5, TimeUnit.SECONDS)) {
                            throw e;
                        }
                        return q;
                    }
                }
                if (q.qmp == null) {
                    if (System.nanoTime() > deadline) {
                        throw new TargetException(cmd.get(0) + " did not open its QMP socket in time");
                    }
                    p.waitFor(20, TimeUnit.MILLISECONDS);
                }
            }
            return q;
        } catch (IOException | RuntimeException e) {
            q.close();
            throw e;
        } catch (InterruptedException e) {
            q.close();
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted while starting " + cmd.get(0), e);
        }
    }

    /** Whether QEMU started and answers on QMP. */
    boolean started() {
        return qmp != null;
    }

    QmpClient qmp() {
        return qmp;
    }

    /** What QEMU printed on its error output so far (up to the output limit). */
    String stderr() throws IOException {
        return Processes.head(stderr, maxOutput);
    }

    /** Asks QEMU to quit (a second at most), then ends it and its children in any case. */
    @Override
    public void close() {
        try {
            if (qmp != null && process.isAlive()) {
                try {
                    qmp.execute("quit", null, System.nanoTime() + 1_000_000_000L);
                    process.waitFor(3, TimeUnit.SECONDS);
                } catch (IOException e) {
                    // it is ended below
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            if (qmp != null) {
                qmp.close();
            }
            Processes.kill(process);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }
}
