package io.github.qmig.tools.validate;

import io.github.qmig.codec.ReadLimits;

import java.util.Objects;

/**
 * How {@code qmig validate} judges a file.
 *
 * @param strict          warnings become errors
 * @param offset          byte offset where the stream starts in each file ({@code file:PATH,offset=N})
 * @param limits          the reader's limits
 * @param maxTrackedPages pages whose presence is tracked for the "every page present" check (one
 *                        bit each); above this the check is skipped with an info problem
 */
public record ValidateOptions(boolean strict, long offset, ReadLimits limits, long maxTrackedPages) {

    public ValidateOptions {
        Objects.requireNonNull(limits, "limits");
        if (offset < 0 || maxTrackedPages < 0) {
            throw new IllegalArgumentException("negative offset or page limit");
        }
    }

    /** Not strict, offset 0, default limits, up to 2^30 pages (4 TiB of 4 KiB pages, 128 MiB of bits). */
    public static ValidateOptions defaults() {
        return new ValidateOptions(false, 0, ReadLimits.defaults(), 1L << 30);
    }

    public ValidateOptions withStrict(boolean s) {
        return new ValidateOptions(s, offset, limits, maxTrackedPages);
    }

    public ValidateOptions withOffset(long o) {
        return new ValidateOptions(strict, o, limits, maxTrackedPages);
    }

    public ValidateOptions withMaxTrackedPages(long n) {
        return new ValidateOptions(strict, offset, limits, n);
    }
}
