package io.github.qmig.compat;

import io.github.qmig.codec.ReadLimits;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@code qmig compat} reads and asks.
 *
 * @param limits         every bound on what the file and the target can make qmig read or keep
 * @param commandTimeout how long one short run of the target binary may take ({@code --version},
 *                       {@code -machine help}, {@code -dump-vmstate})
 * @param probeTimeout   how long probing the configured target may take, start to quit (its save
 *                       writes every RAM page, zero pages as 9-byte records)
 */
public record CompatOptions(ReadLimits limits, Duration commandTimeout, Duration probeTimeout) {

    public CompatOptions {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
    }

    /** Default limits, 60 s per command, 300 s for a probe. */
    public static CompatOptions defaults() {
        return new CompatOptions(ReadLimits.defaults(), Duration.ofSeconds(60), Duration.ofSeconds(300));
    }

    public CompatOptions withProbeTimeout(Duration d) {
        return new CompatOptions(limits, commandTimeout, d);
    }

    public CompatOptions withLimits(ReadLimits l) {
        return new CompatOptions(l, commandTimeout, probeTimeout);
    }
}
