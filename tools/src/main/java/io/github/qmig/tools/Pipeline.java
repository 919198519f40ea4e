package io.github.qmig.tools;

import io.github.qmig.codec.EventConsumer;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;

import java.io.IOException;
import java.util.function.LongConsumer;

/** The one data path: every event of a reader, in order, to each consumer. */
public final class Pipeline {

    private Pipeline() {
    }

    /** Feeds every event to the consumers; returns the number of events. */
    public static long run(MigrationReader reader, EventConsumer... consumers) throws IOException {
        return run(null, reader, consumers);
    }

    /** As {@link #run(MigrationReader, EventConsumer...)}, reporting progress to {@code input}'s listener. */
    public static long run(MigrationInput input, MigrationReader reader, EventConsumer... consumers) throws IOException {
        LongConsumer progress = input != null ? input.progress() : null;
        long n = 0;
        try {
            for (MigrationEvent e = reader.next(); e != null; e = reader.next()) {
                for (EventConsumer c : consumers) {
                    c.accept(e);
                }
                if ((++n & 4095) == 0 && progress != null) {
                    progress.accept(reader.position());
                }
            }
        } catch (InternalError e) { // a consumer read a deferred page past a new end of the file
            throw reader.source().shrank(e);
        }
        return n;
    }
}
