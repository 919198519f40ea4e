package io.github.qmig.snapshots;

import io.github.qmig.codec.EventConsumer;

import java.io.IOException;

/** A source of RAM page events, asked for them where a {@link Skeleton} carries its pages. */
@FunctionalInterface
public interface PageEvents {

    /** Hands each page event, in order, to {@code to}. */
    void emit(EventConsumer to) throws IOException;
}
