package io.github.qmig.compat.qemu;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine types of a QEMU binary, from {@code -machine help} (hw/core/machine.c, vl.c
 * {@code machine_help_func}):
 *
 * <pre>
 * Supported machines are:
 * pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-10.0)
 * pc-i440fx-10.0       Standard PC (i440FX + PIIX, 1996) (default)
 * pc-i440fx-7.0        Standard PC (i440FX + PIIX, 1996) (deprecated)
 * </pre>
 *
 * An alias loads as the type it stands for: the configuration record of a {@code -machine pc}
 * save names {@code pc-i440fx-10.0}, and a target started with {@code -machine pc} compares the
 * received name with that ({@code configuration_post_load}).
 */
public final class MachineTypes {

    private static final Pattern LINE = Pattern.compile("^(\\S+)\\s+(.*)$");
    private static final Pattern ALIAS = Pattern.compile("\\(alias of (\\S+)\\)");
    private static final Pattern VERSIONED = Pattern.compile("-(\\d{1,4})\\.(\\d{1,4})$");

    private record Entry(String classNameOrNull, boolean deprecated) {
    }

    private final Map<String, Entry> types;

    private MachineTypes(Map<String, Entry> types) {
        this.types = Map.copyOf(types);
    }

    /** Parses {@code -machine help} output; lines that are not {@code NAME  DESCRIPTION} are skipped. */
    public static MachineTypes parse(String help) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (String line : help.split("\r?\n")) {
            if (line.startsWith("Supported machines") || line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            Matcher a = ALIAS.matcher(m.group(2));
            out.put(m.group(1), new Entry(a.find() ? a.group(1) : null, m.group(2).contains("(deprecated)")));
        }
        return new MachineTypes(out);
    }

    /** Whether {@code name} is a machine type (or alias) of the binary. */
    public boolean contains(String name) {
        return types.containsKey(name);
    }

    /** The class name a machine type loads as: an alias's target, the name itself, or null if unknown. */
    public String resolve(String name) {
        Entry e = types.get(name);
        if (e == null) {
            return null;
        }
        return e.classNameOrNull() != null ? e.classNameOrNull() : name;
    }

    /** Whether the binary marks {@code name} (or what it is an alias of) deprecated. */
    public boolean deprecated(String name) {
        Entry e = types.get(name);
        if (e == null) {
            return false;
        }
        if (e.deprecated()) {
            return true;
        }
        Entry target = e.classNameOrNull() == null ? null : types.get(e.classNameOrNull());
        return target != null && target.deprecated();
    }

    /** The names listed, aliases included. */
    public List<String> names() {
        return List.copyOf(types.keySet());
    }

    /**
     * The {@code X.Y} of a versioned machine type ({@code pc-i440fx-7.2}, {@code pc-q35-2.4},
     * {@code virt-9.0}): the QEMU release whose behaviour it keeps.
     */
    public static Optional<QemuVersion> versionOf(String machineType) {
        Matcher m = VERSIONED.matcher(machineType);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new QemuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), 0));
    }
}
