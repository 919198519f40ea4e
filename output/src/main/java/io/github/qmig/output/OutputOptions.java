package io.github.qmig.output;

/**
 * How {@code convert} and {@code extract} finish their outputs. The defaults are the safe ones:
 * outputs are fsynced before they are renamed into place, and extracted blocks are hashed for
 * {@code blocks.json}. Turning either off gives {@code cp}'s guarantees and speed (measured in
 * docs/performance.md: the fsync of a 3 GiB output costs about a second, SHA-256 of a 4 GiB block
 * three seconds of CPU).
 *
 * @param sync fsync each output before renaming it into place; without it, a power loss soon after
 *             the command ends can leave a renamed but empty or partial output
 * @param hash compute the {@code sha256} of each extracted block ({@code null} in blocks.json
 *             otherwise)
 */
public record OutputOptions(boolean sync, boolean hash) {

    private static final OutputOptions DEFAULTS = new OutputOptions(true, true);

    public static OutputOptions defaults() {
        return DEFAULTS;
    }

    public OutputOptions withSync(boolean on) {
        return new OutputOptions(on, hash);
    }

    public OutputOptions withHash(boolean on) {
        return new OutputOptions(sync, on);
    }
}
