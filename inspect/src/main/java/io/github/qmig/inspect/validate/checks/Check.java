package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.inspect.validate.ProblemSink;

/**
 * One of {@code validate}'s checks: fed every event of a stream (what QEMU's loader or a complete
 * snapshot would refuse and the reader lets through), it reports to the sink. A check keeps per
 * section and per block state, never per event or per page beyond a bit.
 */
public interface Check {

    void accept(MigrationEvent e, ProblemSink out);

    /** After the EOF record and whatever follows it: the judgements that need the whole stream. */
    default void finish(ProblemSink out) {
    }

    /** Whether {@code s} is non-empty printable ASCII, as QEMU's names are. */
    static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
