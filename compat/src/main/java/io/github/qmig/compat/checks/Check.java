package io.github.qmig.compat.checks;

import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.Target;

/**
 * One of {@code compat}'s checks: one thing QEMU's loader (or its start-up) refuses, judged from
 * what the file holds and what is known of the target. A check reports what it cannot decide as
 * an {@code info} problem, never a guess as an error.
 */
public interface Check {

    void check(StreamFacts file, Target target, Problems out);
}
