package io.github.qmig.ramblock;

import io.github.qmig.codec.BodyEvent;
import io.github.qmig.codec.io.ByteSink;

import java.io.IOException;

/**
 * A RAM record without payload: EOS (ends every RAM section payload), MULTIFD_FLUSH (multifd sync
 * point) or HOOK (RDMA). The whole be64 header is kept, so any address bits round-trip.
 *
 * @param flags the header's flag bits (below the target page size)
 */
public record RamMarker(long offset, int flags, long header) implements BodyEvent {

    public static RamMarker eos(long offset) {
        return new RamMarker(offset, RamFlags.EOS, RamFlags.EOS);
    }

    public boolean isEos() {
        return flags == RamFlags.EOS;
    }

    @Override
    public void writeTo(ByteSink out) throws IOException {
        out.writeLong(header);
    }
}
