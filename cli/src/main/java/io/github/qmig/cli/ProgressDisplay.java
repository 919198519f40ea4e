package io.github.qmig.cli;

import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.info.HumanInfo;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress display on stderr: bytes done (of the total when known), rate and time left.
 * It appears only after the work has run for a second and redraws at most five times a second;
 * {@link #close()} erases it. Small enough that a progress-bar library (and the terminal library it
 * brings) is not worth its weight in the jar.
 */
public final class ProgressDisplay implements AutoCloseable {

    private static final long DELAY = 1_000_000_000L;
    private static final long INTERVAL = 200_000_000L;

    private final PrintWriter err;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private ProgressDisplay(PrintWriter err, long total) {
        this.err = err;
        this.total = total;
    }

    /**
     * Attaches a display to {@code input} when stderr is a terminal and {@code quiet} is off;
     * otherwise returns a display that shows nothing.
     */
    static ProgressDisplay attach(MigrationInput input, PrintWriter err, boolean quiet) {
        ProgressDisplay d = new ProgressDisplay(err, input.totalBytes());
        if (!quiet && stderrIsTerminal()) {
            input.onProgress(d::update);
        }
        return d;
    }

    /** bin/qmig tells (it can test fd 2); without it, a console means an interactive session. */
    static boolean stderrIsTerminal() {
        String tty = System.getProperty("qmig.stderr.tty");
        return tty != null ? Boolean.parseBoolean(tty) : System.console() != null;
    }

    void update(long done) {
        long now = System.nanoTime();
        if (now - start < DELAY || now - lastDraw < INTERVAL) {
            return;
        }
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        double rate = done / seconds;
        StringBuilder line = new StringBuilder("\r").append(HumanInfo.bytes(done));
        if (total > 0) {
            line.append(" / ").append(HumanInfo.bytes(total))
                    .append(String.format(Locale.ROOT, "  %3.0f%%", 100.0 * Math.min(done, total) / total));
        }
        line.append("  ").append(HumanInfo.bytes((long) rate)).append("/s");
        if (total > 0 && rate > 0) {
            line.append(String.format(Locale.ROOT, "  %ds left", (long) Math.ceil(Math.max(0, total - done) / rate)));
        }
        line.append("\u001b[K");
        err.print(line);
        err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        if (drawn) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
