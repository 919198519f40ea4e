package io.github.qmig.compat.checks;

import io.github.qmig.codec.Configuration;
import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.QemuReleases;
import io.github.qmig.compat.qemu.Target;

import java.util.List;
import java.util.TreeSet;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * Migration capabilities. Those set on the target must exist in its release ({@code
 * migrate-set-capabilities} refuses others: {@code compress} is gone since 9.1). The file's
 * configuration lists the capabilities its source validated; the target refuses a name it does
 * not know ({@code get_capability}) and, for each capability it validates ({@code x-ignore-shared},
 * {@code mapped-ram}: {@code should_validate_capability}), a state different from its own, each
 * mismatch reported ({@code configuration_validate_capabilities}, migration/savevm.c).
 */
public final class CapabilityCheck implements Check {

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        for (String cap : new TreeSet<>(target.capabilities())) {
            if (!target.knowsCapability(cap).orElse(true)) {
                out.add(CompatCode.CAPABILITY_UNSUPPORTED, -1, "QEMU %s has no migration capability %s, so it cannot "
                        + "be set on the target%s", target.version(), cap,
                        qemu("Parameter 'capability' does not accept value '%s'", cap));
            }
        }
        Configuration c = file.configuration();
        if (c == null || !target.expectsConfiguration().orElse(true)) {
            return; // QEMU compares capabilities only while loading a configuration record
        }
        List<String> received = c.capabilities();
        for (String cap : received) {
            if (!target.knowsCapability(cap).orElse(true)) {
                out.add(CompatCode.CAPABILITY_UNKNOWN, c.offset(), "the file was saved with capability %s, which QEMU "
                        + "%s does not have%s", cap, target.version(), qemu("Received unknown capability %s", cap));
                return; // the load stops at the unknown name
            }
        }
        for (String cap : QemuReleases.validatedCapabilities(target.version())) {
            boolean source = received.contains(cap);
            boolean local = target.capabilities().contains(cap);
            if (source != local) {
                out.add(CompatCode.CAPABILITY_MISMATCH, c.offset(), "%s%s", source
                        ? "the file was saved with capability " + cap + ": set it on the target before loading"
                        : "the file was saved without capability " + cap + ": load it without it",
                        qemu("Capability %s is %s, but received capability is %s", cap, onOff(local), onOff(source)));
            }
        }
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }
}
