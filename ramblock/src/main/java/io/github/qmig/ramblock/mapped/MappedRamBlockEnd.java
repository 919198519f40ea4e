package io.github.qmig.ramblock.mapped;

import io.github.qmig.codec.BodyEvent;
import io.github.qmig.codec.io.ByteSink;

import java.io.IOException;

/**
 * The end of a block's mapped-ram page region, {@code pages_offset + used_length}, where the stream
 * resumes ({@code qemu_set_offset} in {@code parse_ramblock_mapped_ram}). Writing it moves the
 * output there, leaving any unwritten page slots as holes.
 */
public record MappedRamBlockEnd(long offset) implements BodyEvent {

    @Override
    public void writeTo(ByteSink out) throws IOException {
        out.skipTo(offset);
    }
}
