package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;

/**
 * Section footers (migration/savevm.c {@code check_section_footer}): every section has one, or none
 * has (judged with the machine type by {@link MigrationKnobsCheck}).
 */
public final class FooterCheck implements Check {

    private long seen;
    private long missing;
    private SectionHeader firstWithout;

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
        }
    }

    @Override
    public void finish(ProblemSink out) {
        if (seen > 0 && missing > 0) {
            out.add(ProblemCode.FOOTER_MISSING, firstWithout.offset(), firstWithout.section(),
                    "%d sections end without the footer the others have", missing);
        }
    }
}
