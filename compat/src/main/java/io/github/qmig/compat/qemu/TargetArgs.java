package io.github.qmig.compat.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The target's command line as given after {@code --} (everything but the binary): what it says
 * about migration without running it, and the command line a probe starts.
 *
 * <p>Read from it: the machine type ({@code -M}/{@code -machine}, its first bare value or
 * {@code type=}), and the {@code migration} object's properties set with {@code -global
 * migration.P=V} or {@code -global driver=migration,property=P,value=V}.
 *
 * <p>For a probe ({@link #forProbe}), arguments that would make QEMU wait for or load a VM, run
 * in the background or write beside a running VM are left out: {@code -incoming}, {@code -loadvm},
 * {@code -daemonize}, {@code -pidfile}. So are {@code -global migration.send-configuration=off}
 * and the machine option {@code suppress-vmdesc=on}: QEMU 10.0 aborts saving with the first unless
 * the second is set, and with the second its save has no VMDESCRIPTION; neither changes device
 * state, and the probe applies the first to its result ({@link #sendsConfiguration}).
 */
public final class TargetArgs {

    /** Options whose argument follows them and which a probe leaves out. */
    private static final Set<String> DROPPED_WITH_VALUE = Set.of("-incoming", "-loadvm", "-pidfile");
    private static final Set<String> DROPPED = Set.of("-daemonize");
    private static final Set<String> MACHINE = Set.of("-M", "-machine", "--machine");
    private static final Set<String> DISPLAY = Set.of("-display", "-nographic", "-vnc", "-spice", "-curses", "-sdl");

    private final List<String> args;

    private TargetArgs(List<String> args) {
        this.args = List.copyOf(args);
    }

    public static TargetArgs of(List<String> args) {
        return new TargetArgs(args);
    }

    public static TargetArgs none() {
        return new TargetArgs(List.of());
    }

    public List<String> args() {
        return args;
    }

    public boolean isEmpty() {
        return args.isEmpty();
    }

    /** The machine type of the last {@code -M}/{@code -machine}, if any. */
    public Optional<String> machineType() {
        String type = null;
        for (int i = 0; i + 1 < args.size(); i++) {
            if (MACHINE.contains(args.get(i))) {
                String t = machineTypeOf(args.get(i + 1));
                if (t != null) {
                    type = t;
                }
            }
        }
        return Optional.ofNullable(type);
    }

    /** {@code pc-q35-7.2,accel=kvm} and {@code type=pc-q35-7.2,accel=kvm} are {@code pc-q35-7.2}. */
    static String machineTypeOf(String value) {
        for (String part : value.split(",")) {
            if (part.startsWith("type=")) {
                return part.substring(5);
            }
        }
        String first = value.split(",", -1)[0];
        return first.isEmpty() || first.contains("=") ? null : first;
    }

    /**
     * The value the command line gives the {@code migration} object's boolean property {@code
     * name} ({@code send-configuration}, {@code send-section-footer}, ...), if it sets it.
     */
    public Optional<Boolean> migrationProperty(String name) {
        Boolean value = null;
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-global")) {
                Boolean v = migrationGlobal(args.get(i + 1), name);
                if (v != null) {
                    value = v;
                }
            }
        }
        return Optional.ofNullable(value);
    }

    private static Boolean migrationGlobal(String global, String name) {
        if (global.startsWith("migration." + name + "=")) {
            return bool(global.substring(global.indexOf('=') + 1));
        }
        String driver = null;
        String property = null;
        String value = null;
        for (String part : global.split(",")) {
            if (part.startsWith("driver=")) {
                driver = part.substring(7);
            } else if (part.startsWith("property=")) {
                property = part.substring(9);
            } else if (part.startsWith("value=")) {
                value = part.substring(6);
            }
        }
        return "migration".equals(driver) && name.equals(property) && value != null ? bool(value) : null;
    }

    private static Boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> Boolean.TRUE;
            case "off", "false", "no" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** Whether the target writes and expects a configuration record, as far as its command line says (default on). */
    public boolean sendsConfiguration() {
        return migrationProperty("send-configuration").orElse(Boolean.TRUE);
    }

    /** Whether the command line chooses a display (else a probe adds {@code -display none}). */
    public boolean hasDisplay() {
        return args.stream().anyMatch(DISPLAY::contains);
    }

    /**
     * The arguments a probe starts QEMU with, before its own ({@code -S}, the QMP socket, ...):
     * these without the ones the class comment lists, and {@code -machine machineType} first when
     * they name none.
     */
    public List<String> forProbe(String machineType) {
        List<String> out = new ArrayList<>();
        if (machineType().isEmpty()) {
            out.add("-machine");
            out.add(machineType);
        }
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (DROPPED.contains(a)) {
                continue;
            }
            if (DROPPED_WITH_VALUE.contains(a) && i + 1 < args.size()) {
                i++;
                continue;
            }
            if (a.equals("-global") && i + 1 < args.size()
                    && migrationGlobal(args.get(i + 1), "send-configuration") == Boolean.FALSE) {
                i++;
                continue;
            }
            if (MACHINE.contains(a) && i + 1 < args.size()) {
                out.add(a);
                out.add(withoutSuppressVmdesc(args.get(++i)));
                continue;
            }
            out.add(a);
        }
        return out;
    }

    private static String withoutSuppressVmdesc(String machine) {
        List<String> kept = new ArrayList<>();
        for (String part : machine.split(",", -1)) {
            if (!part.startsWith("suppress-vmdesc=")) {
                kept.add(part);
            }
        }
        return String.join(",", kept);
    }
}
