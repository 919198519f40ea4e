package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.TrailingBytes;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;

/**
 * What follows the EOF record besides a VMDESCRIPTION: QEMU's loader stops at EOF, so the file
 * loads, but the bytes are not what QEMU writes (a cut save, or something appended): warnings.
 */
public final class TrailingCheck implements Check {

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (!(e instanceof TrailingBytes t)) {
            return;
        }
        String size = t.length() >= 0 ? t.length() + " bytes" : "bytes";
        switch (t.kind()) {
            case AFTER_EOF -> out.add(ProblemCode.TRAILING_DATA, t.offset(), null,
                    "%s after the EOF record that are not a VMDESCRIPTION; QEMU does not read them", size);
            case AFTER_DESCRIPTION -> out.add(ProblemCode.TRAILING_DATA, t.offset(), null,
                    "%s after the VMDESCRIPTION; QEMU does not read them", size);
            case CUT_DESCRIPTION -> out.add(ProblemCode.VMDESC_CUT, t.offset(), null,
                    "VMDESCRIPTION cut short%s; QEMU does not read it, the file loads, but device sections are not "
                            + "cross-checked", t.declared() >= 0 && t.length() >= 5
                            ? String.format(" (%d of %d bytes)", t.length() - 5, t.declared()) : "");
            case UNREAD_DESCRIPTION -> out.add(ProblemCode.VMDESC_UNREAD, t.offset(), null,
                    "VMDESCRIPTION of %d bytes is beyond the reader's limit; not read (raise maxVmDescription to read it)",
                    t.declared());
            default -> throw new IllegalStateException(t.kind().toString());
        }
    }
}
