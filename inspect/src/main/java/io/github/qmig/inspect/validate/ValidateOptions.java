package io.github.qmig.inspect.validate;

import io.github.qmig.codec.ReadLimits;

import java.util.Objects;

/**
 * How {@code qmig validate} judges a file.
 *
 * @param strict warnings become errors
 * @param offset byte offset where the stream starts in each file ({@code file:PATH,offset=N})
 * @param limits the reader's limits, and validate's own ({@link ReadLimits#maxTrackedPages()},
 *               {@link ReadLimits#maxTrackedSections()}, {@link ReadLimits#maxRepeatedProblems()})
 */
public record ValidateOptions(boolean strict, long offset, ReadLimits limits) {

    public ValidateOptions {
        Objects.requireNonNull(limits, "limits");
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
    }

    /** Not strict, offset 0, default limits. */
    public static ValidateOptions defaults() {
        return new ValidateOptions(false, 0, ReadLimits.defaults());
    }

    public ValidateOptions withStrict(boolean s) {
        return new ValidateOptions(s, offset, limits);
    }

    public ValidateOptions withOffset(long o) {
        return new ValidateOptions(strict, o, limits);
    }

    public ValidateOptions withLimits(ReadLimits l) {
        return new ValidateOptions(strict, offset, l);
    }
}
