package io.github.qmig.testkit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One RAM-backed range of the guest's "memory" address space and the SHA-256 of its contents.
 *
 * @param start guest-physical start address
 * @param length size in bytes
 * @param region name of the memory region that backs it (e.g. {@code pc.ram}, {@code pc.bios})
 * @param regionOffset offset of {@code start} within that region (the {@code @...} in {@code info
 *     mtree -f}), 0 if none
 * @param sha256 lowercase hex SHA-256 of the range's bytes, or {@code null} if not hashed
 */
@JsonPropertyOrder({"start", "length", "region", "region_offset", "sha256"})
public record RamRange(
        @JsonProperty("start") long start,
        @JsonProperty("length") long length,
        @JsonProperty("region") String region,
        @JsonProperty("region_offset") long regionOffset,
        @JsonProperty("sha256") String sha256) {

    /** Validates the fields. */
    public RamRange {
        Objects.requireNonNull(region, "region");
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive: " + length);
        }
    }

    /** The same range with a hash. */
    public RamRange withSha256(String hash) {
        return new RamRange(start, length, region, regionOffset, hash);
    }

    /** Last guest-physical address (inclusive). */
    public long end() {
        return start + length - 1;
    }

    @Override
    public String toString() {
        return String.format("%016x-%016x %s @%x %s", start, end(), region, regionOffset,
                sha256 == null ? "-" : sha256.substring(0, Math.min(16, sha256.length())));
    }
}
