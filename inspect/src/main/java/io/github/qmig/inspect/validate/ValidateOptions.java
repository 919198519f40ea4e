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
 * @param snapshot in qcow2 images, the internal snapshot whose VM state is validated (ID or name), or null
 */
public record ValidateOptions(boolean strict, long offset, ReadLimits limits, String snapshot) {

    public ValidateOptions {
        Objects.requireNonNull(limits, "limits");
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
    }

    public ValidateOptions(boolean strict, long offset, ReadLimits limits) {
        this(strict, offset, limits, null);
    }

    /** Not strict, offset 0, default limits, no snapshot. */
    public static ValidateOptions defaults() {
        return new ValidateOptions(false, 0, ReadLimits.defaults());
    }

    public ValidateOptions withStrict(boolean s) {
        return new ValidateOptions(s, offset, limits, snapshot);
    }

    public ValidateOptions withOffset(long o) {
        return new ValidateOptions(strict, o, limits, snapshot);
    }

    public ValidateOptions withLimits(ReadLimits l) {
        return new ValidateOptions(strict, offset, l, snapshot);
    }

    public ValidateOptions withSnapshot(String s) {
        return new ValidateOptions(strict, offset, limits, s);
    }
}
