package io.github.qmig.ramblock;

import io.github.qmig.codec.BodyEvent;
import io.github.qmig.codec.io.ByteSink;

import java.io.IOException;

/**
 * The MEM_SIZE record that opens the block list: be64 (total | 0x04), total being the sum of every
 * block's used_length ({@code ram_bytes_total_with_ignored}). There is no block count: entries
 * follow until their lengths add up to the total.
 */
public record RamMemSize(long offset, long totalBytes) implements BodyEvent {

    @Override
    public void writeTo(ByteSink out) throws IOException {
        out.writeLong(totalBytes | RamFlags.MEM_SIZE);
    }
}
