package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;

import java.util.Set;

/**
 * The CONFIGURATION record (migration/savevm.c {@code vmstate_configuration}): present right after
 * the header, a printable machine name, subsections QEMU writes (version 1, sane target page
 * bits), and only the capabilities QEMU validates.
 */
public final class ConfigurationCheck implements Check {

    private static final Set<String> KNOWN_CAPABILITIES = Set.of("x-ignore-shared", "mapped-ram");

    private Configuration configuration;

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (e instanceof Configuration c) {
            configuration = c;
            check(c, out);
        }
    }

    private static void check(Configuration c, ProblemSink out) {
        if (!Check.printable(c.machine())) {
            out.add(ProblemCode.CONFIGURATION_INVALID, c.offset() + 5, null,
                    "machine name '%s' is empty or not printable ASCII", c.machine());
        }
        for (Configuration.Subsection s : c.subsections()) {
            if (s.version() != 1) {
                out.add(ProblemCode.CONFIGURATION_INVALID, c.offset(), null,
                        "configuration subsection '%s' version %d (QEMU writes 1)", s.name(), s.version());
            }
        }
        c.subsection(Configuration.PAGE_BITS).ifPresent(s -> {
            int bits = s.body().getInt(s.body().position());
            if (bits < 9 || bits > 16) {
                out.add(ProblemCode.CONFIGURATION_INVALID, c.offset(), null,
                        "target page bits %d (targets use 10 to 16)", bits);
            }
        });
        for (String cap : c.capabilities()) {
            if (!KNOWN_CAPABILITIES.contains(cap)) {
                out.add(ProblemCode.CAPABILITY_UNKNOWN, c.offset(), null,
                        "capability '%s' in the configuration (QEMU 10 validates only x-ignore-shared and mapped-ram)",
                        cap);
            }
        }
    }

    /** The record, or null if the stream has none (yet). */
    public Configuration configuration() {
        return configuration;
    }
}
