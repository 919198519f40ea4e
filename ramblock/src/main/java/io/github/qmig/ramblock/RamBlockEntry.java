package io.github.qmig.ramblock;

import io.github.qmig.codec.BodyEvent;
import io.github.qmig.codec.io.ByteSink;

import java.io.IOException;
import java.util.Objects;

/**
 * One block list entry on the wire; see {@link RamBlock} for the layout.
 *
 * @param pageSize the stream's target page size, the unit of the block's page records (not on the
 *                 wire: it travels here so that consumers laying out the block need not ask the reader)
 */
public record RamBlockEntry(long offset, RamBlock block, int pageSize) implements BodyEvent {

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
