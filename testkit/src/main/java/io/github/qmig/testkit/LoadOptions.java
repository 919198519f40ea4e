package io.github.qmig.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Overrides for {@link FixtureLoader}: load a (possibly converted) file into a QEMU configured like
 * a fixture, but e.g. with or without mapped-ram or at another offset.
 *
 * <p>Every field is optional; {@code null} means "as recorded in the fixture".
 *
 * @param mappedRam force the {@code mapped-ram} capability on or off (off also drops {@code
 *     multifd}, which QEMU allows with {@code file:} only together with mapped-ram)
 * @param offset the {@code offset=} to load from
 * @param binary QEMU binary to load with
 * @param machine {@code -machine} argument to load with
 * @param extraCapabilities capabilities to set in addition (or to override)
 * @param timeout limit for the incoming migration
 */
public record LoadOptions(
        Boolean mappedRam,
        Long offset,
        String binary,
        String machine,
        Map<String, Boolean> extraCapabilities,
        Duration timeout) {

    /** Load exactly as recorded. */
    public static LoadOptions defaults() {
        return new LoadOptions(null, null, null, null, Map.of(), null);
    }

    /** The same options with {@code mapped-ram} forced on or off. */
    public LoadOptions withMappedRam(boolean on) {
        return new LoadOptions(on, offset, binary, machine, extraCapabilities, timeout);
    }

    /** The same options with another URI offset. */
    public LoadOptions withOffset(long newOffset) {
        return new LoadOptions(mappedRam, newOffset, binary, machine, extraCapabilities, timeout);
    }

    /** The same options with another binary. */
    public LoadOptions withBinary(String newBinary) {
        return new LoadOptions(mappedRam, offset, newBinary, machine, extraCapabilities, timeout);
    }

    /** The same options with another {@code -machine} argument. */
    public LoadOptions withMachine(String newMachine) {
        return new LoadOptions(mappedRam, offset, binary, newMachine, extraCapabilities, timeout);
    }

    /** The same options with one more capability. */
    public LoadOptions withCapability(String name, boolean on) {
        Map<String, Boolean> caps = new LinkedHashMap<>(extraCapabilities == null ? Map.of() : extraCapabilities);
        caps.put(name, on);
        return new LoadOptions(mappedRam, offset, binary, machine, caps, timeout);
    }

    /** The same options with another timeout. */
    public LoadOptions withTimeout(Duration newTimeout) {
        return new LoadOptions(mappedRam, offset, binary, machine, extraCapabilities, newTimeout);
    }
}
