package io.github.qmig.codec;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.internal.BoundaryScanner;
import io.github.qmig.codec.internal.OldStyleFramers;
import io.github.qmig.codec.internal.PayloadFramer;
import io.github.qmig.codec.internal.StreamState;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DeviceEntry;

import java.io.IOException;
import java.util.List;

/**
 * How {@link MigrationReader} reads a section's payload, in this order of preference: decoded by a
 * registered {@link SectionBodyCodec} (RAM); for the k-th FULL section, exactly the length the
 * VMDESCRIPTION's k-th device entry gives, when its identity matches and (with footers) a footer
 * stands where that length ends; framed by the handler's own records (htab, dirty bitmaps, s390,
 * VFIO, block); else delimited by {@linkplain BoundaryScanner footer and header scanning}.
 */
final class SectionFraming {

    private final List<SectionBodyCodec> codecs;
    private final Description layout;
    private final StreamState state;
    private int fullCount;

    /** @param layout the trailing description read ahead, or null */
    SectionFraming(List<SectionBodyCodec> codecs, Description layout, StreamState state) {
        this.codecs = codecs;
        this.layout = layout;
        this.state = state;
    }

    SectionBody open(SectionHeader h, ByteSource in, BodyContext context) throws IOException {
        for (SectionBodyCodec c : codecs) {
            SectionBody b = c.open(h, context);
            if (b != null) {
                return b;
            }
        }
        if (h.idstr().equals("ram")) {
            throw MigrationFormatException.of(Code.CORRUPT, h.offset(), "no codec for RAM sections is registered with this reader");
        }
        PayloadFramer framer = null;
        if (h.type() == SectionType.FULL) {
            framer = described(h, fullCount++, in);
        }
        if (framer == null) {
            framer = OldStyleFramers.forSection(h.idstr(), h.type());
        }
        if (framer == null) {
            framer = new BoundaryScanner(h.sectionId(), state);
        }
        return new FramedBody(in, framer);
    }

    /** The description's length for the k-th FULL section, checked against the footer when visible. */
    private PayloadFramer described(SectionHeader h, int k, ByteSource in) throws IOException {
        if (layout == null || k >= layout.devices().size()) {
            return null;
        }
        DeviceEntry d = layout.devices().get(k);
        if (!d.name().equals(Description.jsonName(h.idstr())) || d.instanceId() != Integer.toUnsignedLong(h.instanceId())
                || d.payloadLength() < 0) {
            return null;
        }
        long len = d.payloadLength();
        if (state.footers() == Boolean.TRUE && len + 5 <= in.capacity()) {
            if (!in.ensure((int) len + 5) || in.peek((int) len) != SectionFooter.TYPE
                    || in.peekInt((int) len + 1) != h.sectionId()) {
                return null; // description and stream disagree: fall back to scanning
            }
        }
        return new PayloadFramer() {
            private boolean done;

            @Override
            public long next(ByteSource src) {
                if (done) {
                    return 0;
                }
                done = true;
                return len;
            }
        };
    }
}
