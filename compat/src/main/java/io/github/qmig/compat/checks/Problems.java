package io.github.qmig.compat.checks;

import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.CompatProblem;
import io.github.qmig.compat.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where the checks put what they find. {@link #sorted()} lists them in the order QEMU's loader
 * meets them (the target's set-up first, then by byte offset), so that the first error is the one
 * QEMU reports; what could not be decided comes last.
 */
public final class Problems {

    private final List<CompatProblem> list = new ArrayList<>();

    /** A problem at {@code offset} (-1: the target's set-up or the whole file) in a section (or null). */
    public void add(CompatCode code, String section, long instance, long offset, String format, Object... args) {
        list.add(new CompatProblem(code, section, instance, offset, args.length == 0 ? format : String.format(format, args)));
    }

    /** A problem that concerns no section. */
    public void add(CompatCode code, long offset, String format, Object... args) {
        add(code, null, -1, offset, format, args);
    }

    public void add(CompatProblem p) {
        list.add(p);
    }

    public boolean has(CompatCode code) {
        return list.stream().anyMatch(p -> p.code() == code);
    }

    /** Stream order: set-up first, then by offset (found order for equal offsets); undecided last. */
    public List<CompatProblem> sorted() {
        List<CompatProblem> out = new ArrayList<>(list);
        out.sort(Comparator.comparing((CompatProblem p) -> p.severity() == Severity.INFO)
                .thenComparingLong(CompatProblem::offset));
        return List.copyOf(out);
    }

    /** How an undecided check ends: what would decide it. */
    static String probeIt(io.github.qmig.compat.qemu.Target target) {
        return target.probe() != null && !target.probe().started() ? "the probe did not start the target"
                : "probe it with --qemu BINARY -- ITS-ARGS";
    }

    /** {@code " (QEMU: text)"}: how every message ends, with what QEMU itself prints. */
    static String qemu(String format, Object... args) {
        return " (QEMU: " + (args.length == 0 ? format : String.format(format, args)) + ")";
    }
}
