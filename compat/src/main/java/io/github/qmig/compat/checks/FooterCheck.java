package io.github.qmig.compat.checks;

import io.github.qmig.codec.SectionEnd;
import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.Target;

import java.util.Optional;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * Section footers ({@code 7e} + section id after every section; migration/savevm.c
 * {@code check_section_footer}): a target with {@code migration.send-section-footer} on (the
 * default; off for machine types 2.3 and older) requires one after the first section, one with it
 * off reads the footer's {@code 7e} as a section type.
 */
public final class FooterCheck implements Check {

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        SectionEnd first = file.firstSection();
        if (first == null) {
            return;
        }
        Optional<Boolean> expects = target.expectsFooters();
        if (expects.isEmpty()) {
            out.add(CompatCode.FOOTERS_UNCHECKED, -1, "whether the target expects section footers is not known for "
                    + "machine type %s (the file %s them): probe the target", target.machine(),
                    file.footers() ? "has" : "has none of");
            return;
        }
        String idstr = first.section().idstr();
        long instance = Integer.toUnsignedLong(first.section().instanceId());
        if (file.footers() && !expects.get()) {
            out.add(CompatCode.FOOTER_UNEXPECTED, idstr, instance, file.firstFooter(), "the file's sections end with "
                    + "footers and the target expects none (migration.send-section-footer is off there)%s",
                    qemu("Unknown savevm section type 126"));
        } else if (!file.footers() && expects.get()) {
            out.add(CompatCode.FOOTER_MISSING, idstr, instance, first.offset(), "the file's sections have no footers "
                    + "(saved with migration.send-section-footer off, or by a machine type of 2.3 or older) and the "
                    + "target requires them; a target started with -global migration.send-section-footer=off does "
                    + "not%s", qemu("Missing section footer for %s", idstr));
        }
    }
}
