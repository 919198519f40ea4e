package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;

/**
 * Section footers (migration/savevm.c {@code check_section_footer}): every section has one, or,
 * as only a QEMU with {@code send-section-footer} off (Xen) loads, none has.
 */
public final class FooterCheck implements Check {

    private long seen;
    private long missing;
    private SectionHeader firstWithout;
    private boolean vmdesc;

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (e instanceof SectionEnd s) {
            if (s.hasFooter()) {
                seen++;
            } else {
                missing++;
                if (firstWithout == null) {
                    firstWithout = s.header();
                }
            }
        } else if (e instanceof VmDescription) {
            vmdesc = true;
        }
    }

    @Override
    public void finish(ProblemSink out) {
        if (seen > 0 && missing > 0) {
            out.add(ProblemCode.FOOTER_MISSING, firstWithout.offset(), firstWithout.section(),
                    "%d sections end without the footer the others have", missing);
        } else if (seen == 0 && missing > 0) {
            out.add(ProblemCode.FOOTERS_ABSENT, -1, null,
                    "no section has a footer: only a QEMU with send-section-footer off (Xen) loads this stream%s",
                    vmdesc ? "" : "; without a VMDESCRIPTION either, device sections are delimited by guessing "
                            + "and a cut inside the device state can go unnoticed");
        }
    }
}
