package io.github.qmig.cli;

import sun.misc.Signal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Ctrl-C (SIGINT) and SIGTERM: one line that says so, then the exit code a shell expects (130,
 * 143), through the JVM's shutdown, whose hooks remove every temporary output
 * ({@code AtomicOutput}, {@code AtomicDirectory}). The command's own thread, whose files are closed
 * under it meanwhile, reports nothing more ({@link #happened}).
 */
final class Interrupts {

    private static volatile int signal;

    private Interrupts() {
    }

    static void install() {
        try {
            Signal.handle(new Signal("INT"), s -> stop(2, "interrupted"));
            Signal.handle(new Signal("TERM"), s -> stop(15, "terminated"));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // a platform without these signals: the JVM's defaults stay (hooks still run)
        }
    }

    private static void stop(int number, String what) {
        if (signal != 0) {
            return;
        }
        signal = number;
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8).println("qmig: " + what);
        System.exit(exitCode());
    }

    static boolean happened() {
        return signal != 0;
    }

    /** 128 + the signal's number. */
    static int exitCode() {
        return 128 + signal;
    }
}
