package io.github.qmig.tools;

import io.github.qmig.codec.MigrationEvent;

import java.io.IOException;

/** Something fed the events of a stream in order: a summary, a writer, a page store, a validator. */
public interface EventConsumer {

    void accept(MigrationEvent event) throws IOException;
}
