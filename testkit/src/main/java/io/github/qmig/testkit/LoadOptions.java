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
 * @param uriScheme {@code file} or {@code exec} to override the fixture's load URI
 * @param dropParameters whether to set none of the fixture's load parameters
 */
public record LoadOptions(
        Boolean mappedRam,
        Long offset,
        String binary,
        String machine,
        Map<String, Boolean> extraCapabilities,
        Duration timeout,
        String uriScheme,
        boolean dropParameters) {

    /** Load exactly as recorded. */
    public static LoadOptions defaults() {
        return new LoadOptions(null, null, null, null, Map.of(), null, null, false);
    }

    /** The same options with {@code mapped-ram} forced on or off. */
    public LoadOptions withMappedRam(boolean on) {
        return new LoadOptions(on, offset, binary, machine, extraCapabilities, timeout, uriScheme, dropParameters);
    }

    /** The same options with another URI offset. */
    public LoadOptions withOffset(long newOffset) {
        return new LoadOptions(mappedRam, newOffset, binary, machine, extraCapabilities, timeout, uriScheme, dropParameters);
    }

    /** The same options with another binary. */
    public LoadOptions withBinary(String newBinary) {
        return new LoadOptions(mappedRam, offset, newBinary, machine, extraCapabilities, timeout, uriScheme, dropParameters);
    }

    /** The same options with another {@code -machine} argument. */
    public LoadOptions withMachine(String newMachine) {
        return new LoadOptions(mappedRam, offset, binary, newMachine, extraCapabilities, timeout, uriScheme, dropParameters);
    }

    /** The same options with one more capability. */
    public LoadOptions withCapability(String name, boolean on) {
        Map<String, Boolean> caps = new LinkedHashMap<>(extraCapabilities == null ? Map.of() : extraCapabilities);
        caps.put(name, on);
        return new LoadOptions(mappedRam, offset, binary, machine, caps, timeout, uriScheme, dropParameters);
    }

    /** The same options with another timeout. */
    public LoadOptions withTimeout(Duration newTimeout) {
        return new LoadOptions(mappedRam, offset, binary, machine, extraCapabilities, newTimeout, uriScheme, dropParameters);
    }

    /** The same options with the load URI scheme ({@code file} or {@code exec}) forced. */
    public LoadOptions withUriScheme(String scheme) {
        return new LoadOptions(mappedRam, offset, binary, machine, extraCapabilities, timeout, scheme, dropParameters);
    }

    /**
     * Options for loading a file that qmig wrote from this fixture into the default QEMU (10): the
     * fixture's versioned load machine, {@code file:} URI, and none of the capabilities that only the
     * saving QEMU had (e.g. 7.2's {@code compress}).
     */
    public static LoadOptions qemu10(FixtureMetadata meta) {
        LoadOptions o = defaults().withUriScheme("file");
        if (!Qemu.qemu72().equals(meta.loadBinary())) {
            return o;
        }
        o = new LoadOptions(null, null, Qemu.DEFAULT_BINARY, null, Map.of(), null, "file", true);
        for (String cap : meta.loadCapabilities().keySet()) {
            if (!cap.equals("mapped-ram") && !cap.equals("multifd")) {
                o = o.withCapability(cap, false);
            }
        }
        return o;
    }
}
