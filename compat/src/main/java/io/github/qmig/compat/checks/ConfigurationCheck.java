package io.github.qmig.compat.checks;

import io.github.qmig.codec.Configuration;
import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.Target;

import java.util.Optional;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * The configuration record's presence, right after the header (migration/savevm.c
 * {@code qemu_loadvm_state_header}): a target with {@code migration.send-configuration} on (the
 * default; off for machine types 2.3 and older) requires it, one with it off reads its type byte
 * as an unknown section type; and the target page bits it carries must be the target's.
 */
public final class ConfigurationCheck implements Check {

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        Configuration c = file.configuration();
        Optional<Boolean> expects = target.expectsConfiguration();
        if (expects.isEmpty()) {
            out.add(CompatCode.CONFIGURATION_UNCHECKED, -1, "whether the target expects a configuration section is "
                    + "not known for machine type %s (the file %s one): probe the target", target.machine(),
                    c == null ? "has no" : "has");
            return;
        }
        if (expects.get() && c == null) {
            out.add(CompatCode.CONFIGURATION_MISSING, file.headerOffset() + 8, "the file has no configuration section "
                    + "(saved with migration.send-configuration off, or by a machine type of 2.3 or older) and the "
                    + "target requires one; a target started with -global migration.send-configuration=off does not%s",
                    qemu("Configuration section missing"));
        } else if (!expects.get() && c != null) {
            out.add(CompatCode.CONFIGURATION_UNEXPECTED, c.offset(), "the file starts with a configuration section "
                    + "and the target expects none (migration.send-configuration is off there)%s",
                    qemu("Unknown savevm section type 7"));
        } else if (c != null && target.probed()) {
            Integer local = target.probe().pageBits();
            Integer received = c.targetPageBits().isPresent() ? c.targetPageBits().getAsInt() : null;
            if (local != null ? !local.equals(received) : received != null) {
                String r = received == null ? "the minimum" : received.toString();
                String l = local == null ? "the minimum" : local.toString();
                out.add(CompatCode.PAGE_BITS_MISMATCH, c.offset(), "the file's target page size differs from the "
                        + "target's%s", qemu("Received TARGET_PAGE_BITS is %s but local is %s", r, l));
            }
        }
    }
}
