package io.github.qmig.codec;


import java.io.IOException;

/** Something fed the events of a stream in order: a summary, a writer, a page store, a validator. */
public interface EventConsumer {

    void accept(MigrationEvent event) throws IOException;
}
