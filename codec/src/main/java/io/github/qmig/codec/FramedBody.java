package io.github.qmig.codec;

import io.github.qmig.codec.internal.PayloadFramer;
import io.github.qmig.codec.io.ByteSource;

import java.io.IOException;

/** A payload read as {@link SectionData} runs, as far as its {@link PayloadFramer} says. */
final class FramedBody implements SectionBody {

    private final ByteSource in;
    private final PayloadFramer framer;
    private long remaining;

    FramedBody(ByteSource in, PayloadFramer framer) {
        this.in = in;
        this.framer = framer;
    }

    @Override
    public MigrationEvent next() throws IOException {
        if (remaining == 0) {
            remaining = framer.next(in);
            if (remaining == 0) {
                return null;
            }
        }
        int n = (int) Math.min(remaining, in.capacity());
        long at = in.position();
        SectionData d = new SectionData(at, in.slice(n));
        remaining -= n;
        return d;
    }
}
