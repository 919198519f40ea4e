package io.github.qmig.codec;

import java.io.IOException;

/**
 * Something fed the events of a stream in order ({@link MigrationReader#feed}): a summary, a writer,
 * a page store, a check. Consumers learn everything from the events (page size, section, payload),
 * never from the reader. An error a consumer throws as {@link MigrationFormatException#of} gets the
 * input's name and the section from the reader.
 */
public interface EventConsumer {

    void accept(MigrationEvent event) throws IOException;

    /** Called once after the last event of a stream that was read to its end. */
    default void end() throws IOException {
    }
}
