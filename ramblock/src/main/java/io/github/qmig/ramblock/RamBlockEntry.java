package io.github.qmig.ramblock;

import io.github.qmig.codec.BodyEvent;
import io.github.qmig.codec.ByteSink;

import java.io.IOException;
import java.util.Objects;

/** One block list entry on the wire; see {@link RamBlock} for the layout. */
public record RamBlockEntry(long offset, RamBlock block) implements BodyEvent {

    public RamBlockEntry {
        Objects.requireNonNull(block, "block");
    }

    @Override
    public void writeTo(ByteSink out) throws IOException {
        out.writeCountedString(block.idstr());
        out.writeLong(block.usedLength());
        if (block.hasPageSize()) {
            out.writeLong(block.pageSize());
        }
        if (block.hasMrAddr()) {
            out.writeLong(block.mrAddr());
        }
    }
}
