package io.github.qmig.codec.internal;

import io.github.qmig.codec.CommandType;
import io.github.qmig.codec.SectionRef;
import io.github.qmig.codec.io.ByteSource;

import java.io.IOException;

/**
 * Judges whether the bytes at a position can be the start of the next top-level record. This is
 * what makes footer and signature scanning safe: a candidate must be a record that this stream,
 * in its current state, could really contain.
 *
 * <ul>
 *   <li>{@code 00} EOF: followed by the end of the input, or by {@code 06} + be32 length + {@code '{'}
 *       where the length fits the limit and, for a file, ends exactly at the end of the file; right
 *       after a footer (a strong sign already) it may also end before the file does (bytes QEMU
 *       never reads follow), after it or inside its header (the description is cut), and be longer
 *       than the limit (the reader then does not read it);</li>
 *   <li>{@code 01}/{@code 04} START/FULL: a non-empty idstr of printable ASCII, a version below
 *       65536, and an id that is new or was last used by the same idstr;</li>
 *   <li>{@code 02}/{@code 03} PART/END: the id of a live section (started, not ended);</li>
 *   <li>{@code 08} command: a known command number with a length QEMU's loader accepts;</li>
 *   <li>the end of a PACKAGED stream being read.</li>
 * </ul>
 */
final class NextRecord {

    /** Longest lookahead a judgement needs: a FULL header with a 255-byte idstr. */
    static final int MAX_LOOKAHEAD = 1 + 4 + 1 + 255 + 4 + 4;

    private NextRecord() {
    }

    /** Whether a record can start at {@code at} bytes past the source's position. */
    static boolean plausible(ByteSource in, int at, StreamState state) throws IOException {
        return plausible(in, at, state, false);
    }

    /**
     * As {@link #plausible(ByteSource, int, StreamState)}; {@code afterFooter} says the candidate
     * follows the section's own footer.
     */
    static boolean plausible(ByteSource in, int at, StreamState state, boolean afterFooter) throws IOException {
        long abs = in.position() + at;
        if (state.packageEnd() >= 0 && abs == state.packageEnd()) {
            return true;
        }
        int type = in.peek(at);
        switch (type) {
            case 0x00:
                return plausibleEof(in, at, state, afterFooter);
            case 0x01:
            case 0x04:
                return plausibleFullHeader(in, at, state);
            case 0x02:
            case 0x03:
                return in.ensure(at + 5) && state.isLive(in.peekInt(at + 1));
            case 0x08: {
                if (!in.ensure(at + 5)) {
                    return false;
                }
                int code = (in.peekInt(at + 1) >>> 16);
                int len = in.peekInt(at + 1) & 0xffff;
                CommandType t = CommandType.of(code);
                return t != null && t.acceptsLength(len);
            }
            default:
                return false;
        }
    }

    private static boolean plausibleEof(ByteSource in, int at, StreamState state, boolean afterFooter)
            throws IOException {
        int next = in.peek(at + 1);
        if (next < 0) {
            return true;
        }
        if (next != 0x06) {
            return false;
        }
        if (!in.ensure(at + 7)) {
            return afterFooter; // the input ends inside the description's header: cut right after EOF
        }
        long len = Integer.toUnsignedLong(in.peekInt(at + 2));
        if (in.peek(at + 6) != '{' || len > state.maxVmDescription() && !afterFooter) {
            return false;
        }
        long size = state.inputSize();
        return size < 0 || afterFooter || in.position() + at + 6 + len == size;
    }

    private static boolean plausibleFullHeader(ByteSource in, int at, StreamState state) throws IOException {
        if (!in.ensure(at + 6)) {
            return false;
        }
        int id = in.peekInt(at + 1);
        int n = in.peek(at + 5);
        if (n == 0 || !in.ensure(at + 6 + n + 8)) {
            return false;
        }
        if (!in.peekPrintable(at + 6, n)) {
            return false;
        }
        int version = in.peekInt(at + 6 + n + 4);
        if (version < 0 || version > 0xffff) {
            return false;
        }
        SectionRef known = state.section(id);
        return known == null || known.idstr().equals(in.peekString(at + 6, n));
    }
}
