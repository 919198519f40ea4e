package io.github.qmig.compat.checks;

import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.Target;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * The probed command line: a target that does not start with it (a device type the binary lacks,
 * a bad option) loads nothing. QEMU's message is its first error line.
 */
public final class StartCheck implements Check {

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        if (target.probe() != null && !target.probe().started()) {
            out.add(CompatCode.TARGET_START_FAILED, -1, "the target does not start with its command line%s",
                    qemu(target.probe().startError()));
        }
    }
}
