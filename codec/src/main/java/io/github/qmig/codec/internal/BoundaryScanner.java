package io.github.qmig.codec.internal;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.io.ByteSource;

import java.io.IOException;

/**
 * Delimits a payload whose format is unknown (a device section without a VMDESCRIPTION, an unknown
 * live handler) by finding where the next record starts.
 *
 * <p>With footers, the end is the first {@code 7E} + be32 own section id that is followed by a
 * {@linkplain NextRecord plausible next record}: 5 fixed bytes and a validated header, so device
 * bytes that happen to contain the footer pattern are not taken for it. Without footers (Xen,
 * machine types 2.3 and older) only the validated header is there to find. While the footer mode
 * is not yet known, both forms are accepted.
 *
 * <p>The scanner never consumes: it returns how many bytes are certainly payload, keeping enough
 * lookahead buffered to judge a candidate near the end of the buffer.
 */
public final class BoundaryScanner implements PayloadFramer {

    private final int sectionId;
    private final StreamState state;
    private boolean found;
    /** Payload bytes handed out so far, against {@link StreamState#maxScannedPayload()}. */
    private long scanned;

    public BoundaryScanner(int sectionId, StreamState state) {
        this.sectionId = sectionId;
        this.state = state;
    }

    @Override
    public long next(ByteSource in) throws IOException {
        if (found) {
            return 0;
        }
        boolean full = in.ensure(in.capacity());
        int avail = in.available();
        int limit = full ? avail - NextRecord.MAX_LOOKAHEAD - 5 : avail;
        Boolean footers = state.footers();
        long packageEnd = state.packageEnd();
        if (packageEnd >= 0 && packageEnd - in.position() < limit) {
            limit = (int) Math.max(0, packageEnd - in.position());
        }
        int candidates = Math.min(limit + 1, avail); // where a footer can start: 5 bytes must follow
        int tilde = -2; // the next 0x7E at or after i, -1 if none, -2 if not looked for yet
        for (int i = 0; i <= limit && i < avail + 1; i++) {
            if (footers != Boolean.FALSE) {
                if (tilde != -1 && tilde < i) {
                    tilde = in.indexOf((byte) 0x7E, i, candidates);
                }
                if (footers == Boolean.TRUE) {
                    if (tilde < 0) {
                        break; // nothing further can be a footer
                    }
                    i = tilde;
                }
                if (tilde == i && i + 5 <= avail && in.peekInt(i + 1) == sectionId
                        && NextRecord.plausible(in, i + 5, state, true)) {
                    return boundary(i);
                }
            }
            if (footers != Boolean.TRUE && NextRecord.plausible(in, i, state)) {
                return boundary(i);
            }
        }
        if (!full && limit >= avail) {
            if (footers == Boolean.TRUE) {
                damagedFooter(in, avail);
            }
            throw in.fail(Code.TRUNCATED, in.position() + avail,
                    "input ends inside the section's payload (no footer or next record found)");
        }
        long n = Math.max(limit, 1);
        scanned += n;
        if (scanned > state.maxScannedPayload()) {
            throw in.fail(Code.LIMIT_EXCEEDED, in.position() + n, "no end of the section's payload within %d bytes "
                    + "(the limit of a payload delimited by scanning)", state.maxScannedPayload());
        }
        return n;
    }

    /**
     * The input ended with no footer found: if the section id of a footer stands before a
     * plausible next section or command, the footer is there with a damaged type byte. That is not
     * a cut stream but a corrupt one, and QEMU's {@code check_section_footer} says so too. (An EOF
     * record is too weak a sign to follow: a run of zeros looks like one.)
     */
    private void damagedFooter(ByteSource in, int avail) throws IOException {
        for (int j = 0; j + 6 <= avail; j++) {
            int next = in.peek(j + 5);
            if (next != 0x00 && in.peekInt(j + 1) == sectionId && NextRecord.plausible(in, j + 5, state, true)) {
                throw in.fail(Code.FOOTER_MISSING, in.position() + j, "missing section footer (found 0x%02x)", in.peek(j));
            }
        }
    }

    private long boundary(int i) {
        found = true;
        return i;
    }
}
