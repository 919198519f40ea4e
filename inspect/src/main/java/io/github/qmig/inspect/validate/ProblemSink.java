package io.github.qmig.inspect.validate;

import io.github.qmig.codec.SectionRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every check puts what it finds, in the order found. After {@code maxRepeats} problems of
 * one code the rest are summarised in one line, so a hostile file cannot grow the list without
 * bound; with {@code strict}, warnings are kept as errors.
 */
public final class ProblemSink {

    private final boolean strict;
    private final int maxRepeats;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Integer> repeats = new HashMap<>();

    public ProblemSink(boolean strict, int maxRepeats) {
        this.strict = strict;
        this.maxRepeats = maxRepeats;
    }

    /** Adds a problem of {@code code} at {@code offset} (-1: the whole file) in {@code section} (or null). */
    public void add(ProblemCode code, long offset, SectionRef section, String format, Object... args) {
        add(Problem.of(code, offset, section, format, args));
    }

    public void add(Problem p) {
        int n = repeats.merge(p.code(), 1, Integer::sum);
        if (n > maxRepeats + 1) {
            return;
        }
        if (n == maxRepeats + 1) {
            p = new Problem(p.severity(), -1, null, "more '" + p.code() + "' problems are not listed", p.code());
        }
        problems.add(strict ? p.strict() : p);
    }

    /** The problems so far, in the order found. */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** No error so far. */
    public boolean valid() {
        return problems.stream().noneMatch(p -> p.severity() == Severity.ERROR);
    }
}
