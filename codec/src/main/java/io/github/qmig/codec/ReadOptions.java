package io.github.qmig.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a {@link MigrationReader} reads: its limits, the codecs that decode section payloads, whether
 * to use a trailing VMDESCRIPTION to delimit device sections, and an optional page size override.
 *
 * @param pageSize the target page size, or 0 to take it from the stream
 */
public record ReadOptions(ReadLimits limits, List<Supplier<? extends SectionBodyCodec>> codecs,
                          boolean useVmDescription, int pageSize) {

    public ReadOptions {
        Objects.requireNonNull(limits, "limits");
        codecs = List.copyOf(codecs);
        if (pageSize != 0 && (pageSize < 512 || Integer.bitCount(pageSize) != 1)) {
            throw new IllegalArgumentException("page size must be a power of two >= 512: " + pageSize);
        }
    }

    public static ReadOptions defaults() {
        return new ReadOptions(ReadLimits.defaults(), List.of(), true, 0);
    }

    /** Adds a codec; each reader calls {@code factory} once for its own instance. */
    public ReadOptions withCodec(Supplier<? extends SectionBodyCodec> factory) {
        List<Supplier<? extends SectionBodyCodec>> list = new ArrayList<>(codecs);
        list.add(factory);
        return new ReadOptions(limits, list, useVmDescription, pageSize);
    }

    public ReadOptions withLimits(ReadLimits l) {
        return new ReadOptions(l, codecs, useVmDescription, pageSize);
    }

    /** Whether a seekable file's trailing VMDESCRIPTION is read first to delimit device sections. */
    public ReadOptions withVmDescription(boolean use) {
        return new ReadOptions(limits, codecs, use, pageSize);
    }

    public ReadOptions withPageSize(int size) {
        return new ReadOptions(limits, codecs, useVmDescription, size);
    }
}
