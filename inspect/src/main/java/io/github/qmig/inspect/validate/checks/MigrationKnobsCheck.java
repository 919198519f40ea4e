package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three migration properties machine types 2.3 and older turn off (hw/core/machine.c
 * {@code hw_compat_2_3}: {@code send-configuration}, {@code send-section-footer},
 * {@code store-global-state}; Xen turns them off too, accel/xen/xen-all.c): a stream that lacks
 * all three, or comes from such a machine type, is what QEMU writes for it, and loads with it; one
 * that lacks some of them only is a stream only a QEMU configured to match loads.
 */
public final class MigrationKnobsCheck implements Check {

    private static final Pattern VERSION = Pattern.compile("-(\\d{1,4})\\.(\\d{1,4})$");

    private boolean decided;
    private Configuration configuration;
    private long configurationAt = -1;
    private long withFooter;
    private long withoutFooter;
    private boolean globalState;
    private boolean vmdesc;

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (e instanceof Configuration c) {
            decided = true;
            configuration = c;
        } else if (!decided && (e instanceof SectionHeader || e instanceof Command || e instanceof EndOfFile)) {
            decided = true;
            configurationAt = e.offset();
        }
        if (e instanceof SectionHeader h && h.idstr().equals("globalstate")) {
            globalState = true;
        } else if (e instanceof VmDescription) {
            vmdesc = true;
        } else if (e instanceof SectionEnd s) {
            if (s.hasFooter()) {
                withFooter++;
            } else {
                withoutFooter++;
            }
        }
    }

    @Override
    public void finish(ProblemSink out) {
        boolean noConfiguration = configurationAt >= 0;
        boolean noFooters = withFooter == 0 && withoutFooter > 0;
        boolean oldMachine = configuration != null && oldMachine(configuration.machine());
        if ((noConfiguration && noFooters && !globalState) || (oldMachine && !noConfiguration)) {
            out.add(ProblemCode.LEGACY_MACHINE, -1, null, "%s: what QEMU writes for machine types 2.3 and older "
                    + "(their compatibility turns off send-configuration, send-section-footer and store-global-state) "
                    + "and for Xen; it loads with such a machine type", oldMachine
                    ? "machine type " + configuration.machine() : "no CONFIGURATION record, no section footers, "
                    + "no globalstate");
            return;
        }
        if (noConfiguration) {
            out.add(ProblemCode.CONFIGURATION_MISSING, configurationAt, null,
                    "no CONFIGURATION record after the file header: a QEMU with send-configuration on (the default "
                            + "of machine types 2.4 and later) refuses the stream");
        }
        if (noFooters) {
            out.add(ProblemCode.FOOTERS_ABSENT, -1, null,
                    "no section has a footer: only a QEMU with send-section-footer off (machine types 2.3 and older, "
                            + "Xen) loads this stream%s", vmdesc ? "" : "; without a VMDESCRIPTION either, device "
                            + "sections are delimited by guessing and a cut inside the device state can go unnoticed");
        }
    }

    /** Whether the machine name ends in a version 2.3 or older ({@code pc-i440fx-1.4}, {@code pseries-2.3}). */
    static boolean oldMachine(String machine) {
        Matcher m = VERSION.matcher(machine);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major < 2 || (major == 2 && minor <= 3);
    }
}
