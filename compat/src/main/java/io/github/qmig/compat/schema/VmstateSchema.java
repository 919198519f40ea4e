package io.github.qmig.compat.schema;

import io.github.qmig.codec.ReadLimits;
import io.github.qmig.compat.TargetException;
import io.github.qmig.input.Compression;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a QEMU binary can read, from its {@code -dump-vmstate} output: per device type (QOM class
 * with a {@code dc->vmsd}) the vmstate description it loads, whatever the command line
 * instantiates. The content does not depend on the machine type (only {@link #machine()} does):
 * machine-type compatibility properties change what a source sends, not what a target accepts.
 *
 * <p>A stream's section is matched by vmsd name (the last component of its idstr, {@code
 * 0000:00:04.0/virtio-rng} is {@code virtio-rng}), never by type name: several types share one
 * description ({@code e1000-82544gc} and {@code e1000-82545em} are {@code e1000}). Sections of
 * non-device state ({@code ram}, {@code cpu}, {@code timer}, ...) and devices that register their
 * state outside their class (QEMU 7.2's PIIX IDE) are in no dump.
 */
public final class VmstateSchema {

    private final String machine;
    private final Map<String, SchemaVmsd> types;
    private final Map<String, List<SchemaVmsd>> byName = new LinkedHashMap<>();

    VmstateSchema(String machine, Map<String, SchemaVmsd> types) {
        this.machine = machine;
        this.types = Map.copyOf(types);
        Map<String, Set<SchemaVmsd>> distinct = new LinkedHashMap<>();
        for (SchemaVmsd v : types.values()) {
            distinct.computeIfAbsent(v.name(), k -> new LinkedHashSet<>()).add(v);
        }
        distinct.forEach((k, v) -> byName.put(k, List.copyOf(v)));
    }

    /**
     * Reads a schema file, plain or zstd/gzip/xz compressed (recognised by its magic).
     *
     * @throws NoSuchFileException if it does not exist (and other I/O errors of opening it)
     * @throws TargetException     if it is not a schema or beyond {@link ReadLimits#maxSchemaBytes()}
     */
    public static VmstateSchema read(Path file, ReadLimits limits) throws IOException {
        byte[] json;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(8);
            byte[] head = raw.readNBytes(6);
            raw.reset();
            try (InputStream in = Compression.detect(head, head.length).decompress(raw)) {
                json = in.readNBytes(limits.maxSchemaBytes() + 1);
            } catch (IOException e) {
                throw new TargetException(file + ": not a vmstate schema: " + e.getMessage(), e);
            }
        }
        return SchemaParser.parse(json, file.toString(), limits);
    }

    /** {@code vmschkmachine.Name}: the machine type the dump was made with (its class name), or null. */
    public String machine() {
        return machine;
    }

    /** Whether the binary has a device type of this name with a vmstate description. */
    public boolean hasType(String typeName) {
        return types.containsKey(typeName);
    }

    /** Number of device types described. */
    public int typeCount() {
        return types.size();
    }

    /**
     * Every distinct description named {@code vmsdName} (usually one; types that define their own
     * description under a shared name give several, and a check passes if one of them accepts).
     */
    public List<SchemaVmsd> vmsds(String vmsdName) {
        return byName.getOrDefault(vmsdName, List.of());
    }

    /** The vmsd names described, in dump order. */
    public List<String> vmsdNames() {
        return new ArrayList<>(byName.keySet());
    }
}
