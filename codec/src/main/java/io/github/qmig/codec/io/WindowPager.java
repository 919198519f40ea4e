package io.github.qmig.codec.io;

import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Page-table work for {@link FileWindows}' mapped windows: touching the pages of the window mapped
 * ahead on a background thread (last to first, so that the reader, going forward, meets touched
 * pages), whose page faults then map the file's cached pages into the process on the other core;
 * and unmapping windows the reader has left. Measured on a 3 GiB stream read at one 8-byte header
 * per 4 KiB page: 236 ms in the reader alone, 157 ms with the touching. Unmapping stays on the
 * reader's thread: an unmap holds the process's memory map lock, which stalls the reader's own page
 * faults anyway, and measured slower in the background (docs/performance.md).
 */
final class WindowPager {

    private static final int STRIDE = 4096;

    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qmig-pager");
        t.setDaemon(true);
        return t;
    });

    /** A window being touched; {@link #stop()} cuts the touching short. */
    static final class Touch implements Runnable {
        private final MappedByteBuffer window;
        private volatile boolean stopped;
        private Future<?> done;
        /** Where the touched bytes go, so the loads are not optimised away. */
        private int sink;

        private Touch(MappedByteBuffer window) {
            this.window = window;
        }

        @Override
        public void run() {
            int s = 0;
            try {
                for (int p = window.limit() - 1; p >= 0 && !stopped; p -= STRIDE) {
                    s += window.get(p);
                }
            } catch (InternalError e) {
                // the file shrank under the mapping: the reader reports it when it gets there
            }
            sink = s;
        }

        /** Stops touching and waits until the thread has let go of the window: only then may it be unmapped. */
        void stop() {
            stopped = true;
            boolean interrupted = false;
            while (true) {
                try {
                    done.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the window must not be unmapped under the thread: wait on
                } catch (ExecutionException | RuntimeException e) {
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private WindowPager() {
    }

    /** Starts touching the pages of {@code window} in the background. */
    static Touch touch(MappedByteBuffer window) {
        Touch t = new Touch(window);
        t.done = THREAD.submit(t);
        return t;
    }

    /**
     * Unmaps a window now rather than when the garbage collector finds it, so that the resident set
     * stays a window or two however large the file (Java 17 has no public unmap; {@code
     * sun.misc.Unsafe.invokeCleaner} is the supported way). No view of a window ever leaves
     * {@link FileWindows}, so nothing can touch it afterwards.
     */
    static void unmap(MappedByteBuffer b) {
        if (b != null && UNSAFE != null) {
            try {
                UNSAFE.invokeCleaner(b);
            } catch (RuntimeException ignored) {
                // left to the garbage collector
            }
        }
    }

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
