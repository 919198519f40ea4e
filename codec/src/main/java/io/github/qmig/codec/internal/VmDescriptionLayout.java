package io.github.qmig.codec.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The device layouts a VMDESCRIPTION gives: for the k-th FULL section, its name, instance and the
 * exact payload length.
 *
 * <p>Every field object carries {@code size}, the bytes one element actually produced (measured by
 * {@code vmsd_desc_field_end} in migration/vmstate.c, nested subsections of structs included), and
 * {@code array_len} when one entry stands for several equal elements. A payload is therefore the
 * sum of its fields' sizes plus, per listed subsection, its wire header
 * ({@code 05, u8 len, name, be32 version}) and its own body, recursively
 * ({@code vmstate_subsection_save}).
 */
public final class VmDescriptionLayout {

    /** One device entry: its identity and payload length, or -1 if the JSON does not give one. */
    public record Device(String name, long instanceId, long payloadLength) {
    }

    private final List<Device> devices;
    private final int pageSize;

    private VmDescriptionLayout(List<Device> devices, int pageSize) {
        this.devices = List.copyOf(devices);
        this.pageSize = pageSize;
    }

    /** A JSON mapper that keeps the reader's limits and tolerates duplicate keys (QEMU writes some). */
    public static ObjectMapper mapper(int maxBytes) {
        JsonMapper m = JsonMapper.builder().build();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(maxBytes).maxNestingDepth(200).build());
        return m;
    }

    /** Parses a description; fails with an IOException naming the JSON error. */
    public static VmDescriptionLayout parse(byte[] json, int maxBytes) throws IOException {
        return of(mapper(maxBytes).readTree(new String(json, StandardCharsets.UTF_8)));
    }

    public static VmDescriptionLayout of(JsonNode root) {
        List<Device> out = new ArrayList<>();
        for (JsonNode d : root.path("devices")) {
            out.add(new Device(d.path("name").asText(), d.path("instance_id").asLong(-1), length(d)));
        }
        return new VmDescriptionLayout(out, root.path("page_size").asInt(0));
    }

    /** Payload bytes of a vmsd object: fields, then subsections with their headers; -1 if unknown. */
    static long length(JsonNode vmsd) {
        long total = 0;
        for (JsonNode f : vmsd.path("fields")) {
            JsonNode size = f.get("size");
            if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
                return -1;
            }
            total += size.asLong() * (f.has("array_len") ? f.get("array_len").asLong() : 1);
        }
        for (JsonNode s : vmsd.path("subsections")) {
            long body = length(s);
            String name = s.path("vmsd_name").asText(null);
            if (body < 0 || name == null) {
                return -1;
            }
            total += 1 + 1 + name.getBytes(StandardCharsets.ISO_8859_1).length + 4 + body;
        }
        return total;
    }

    public List<Device> devices() {
        return devices;
    }

    /** The JSON's {@code page_size}, or 0. */
    public int pageSize() {
        return pageSize;
    }
}
