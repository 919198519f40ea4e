package io.github.qmig.testkit.compat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A QEMU that a migration file is loaded into: binary, {@code -machine}, {@code -m}, the rest of its
 * command line and the capabilities set before {@code migrate-incoming}.
 *
 * <p>Arguments may use {@code ${testdata}} and {@code ${work}} like fixture sidecars.
 *
 * @param binary QEMU binary (a name in PATH or a path)
 * @param machine the {@code -machine} argument
 * @param memory the {@code -m} argument
 * @param args everything else on the command line (devices, globals, {@code -cpu}, ...)
 * @param capabilities migration capabilities set on the target (only {@code true} ones are sent)
 */
@JsonPropertyOrder({"binary", "machine", "memory", "args", "capabilities"})
public record CompatTarget(
        @JsonProperty("binary") String binary,
        @JsonProperty("machine") String machine,
        @JsonProperty("memory") String memory,
        @JsonProperty("args") List<String> args,
        @JsonProperty("capabilities") Map<String, Boolean> capabilities) {

    /** Validates and copies. */
    public CompatTarget {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(memory, "memory");
        args = List.copyOf(args);
        capabilities = Collections.unmodifiableMap(new LinkedHashMap<>(capabilities));
    }

    /** A target without capabilities. */
    public static CompatTarget of(String binary, String machine, String memory, List<String> args) {
        return new CompatTarget(binary, machine, memory, args, Map.of());
    }

    /** The same target with another machine type. */
    public CompatTarget withMachine(String newMachine) {
        return new CompatTarget(binary, newMachine, memory, args, capabilities);
    }

    /** The same target with another {@code -m}. */
    public CompatTarget withMemory(String newMemory) {
        return new CompatTarget(binary, machine, newMemory, args, capabilities);
    }

    /** The same target with another binary. */
    public CompatTarget withBinary(String newBinary) {
        return new CompatTarget(newBinary, machine, memory, args, capabilities);
    }

    /** The same target with more arguments at the end. */
    public CompatTarget plus(String... more) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of(more));
        return new CompatTarget(binary, machine, memory, a, capabilities);
    }

    /** The same target with other arguments. */
    public CompatTarget withArgs(List<String> newArgs) {
        return new CompatTarget(binary, machine, memory, newArgs, capabilities);
    }

    /** The same target without the {@code -device} whose value starts with {@code prefix}. */
    public CompatTarget withoutDevice(String prefix) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("-device") && i + 1 < args.size() && args.get(i + 1).startsWith(prefix)) {
                i++;
                continue;
            }
            a.add(args.get(i));
        }
        if (a.size() == args.size()) {
            throw new IllegalArgumentException("no -device " + prefix + "... in " + args);
        }
        return withArgs(a);
    }

    /** The same target with the {@code -device} value starting with {@code prefix} replaced. */
    public CompatTarget replaceDevice(String prefix, String device) {
        List<String> a = new ArrayList<>(args);
        for (int i = 0; i + 1 < a.size(); i++) {
            if (a.get(i).equals("-device") && a.get(i + 1).startsWith(prefix)) {
                a.set(i + 1, device);
                return withArgs(a);
            }
        }
        throw new IllegalArgumentException("no -device " + prefix + "... in " + args);
    }

    /** The same target with one more capability. */
    public CompatTarget withCapability(String name, boolean on) {
        Map<String, Boolean> c = new LinkedHashMap<>(capabilities);
        c.put(name, on);
        return new CompatTarget(binary, machine, memory, args, c);
    }
}
