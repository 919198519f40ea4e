package io.github.qmig.tools.dump;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Reason;
import io.github.qmig.codec.internal.VmDescriptionLayout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed VMDESCRIPTION (migration/savevm.c {@code qemu_savevm_state_complete_precopy_non_iterable}):
 *
 * <pre>
 * { "configuration": {vmsd},  "page_size": 4096,  "devices": [ {name, instance_id, vmsd_name, version,
 *   fields: [...], subsections: [...]}, ... ] }
 * </pre>
 *
 * {@code devices[k]} describes the k-th FULL section of the stream. Duplicate keys, which QEMU
 * writes for {@code qtailq}/{@code gtree} fields, keep the first key's position and the last value,
 * as Python's {@code json.loads} with an {@code OrderedDict} does.
 */
public final class VmDescriptionIndex {

    private record Key(String name, long instanceId) {
    }

    private final JsonNode root;
    private final List<JsonNode> devices;
    private final Map<Key, JsonNode> byKey = new HashMap<>();

    private VmDescriptionIndex(JsonNode root) {
        this.root = root;
        this.devices = List.copyOf(root.path("devices").isArray() ? toList(root.get("devices")) : List.of());
        for (JsonNode d : devices) {
            byKey.put(key(d), d); // the last entry with a key wins, as in analyze-migration.py
        }
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> l = new ArrayList<>(array.size());
        array.forEach(l::add);
        return l;
    }

    private static Key key(JsonNode d) {
        return new Key(d.path("name").asText(""), d.path("instance_id").asLong(-1));
    }

    /**
     * Most JSON tokens a description may have to be read as a tree. A tree costs up to ~50 bytes a
     * token (a hostile 15 MiB description of one-field objects ran a 256 MiB heap out); QEMU's are
     * ~7 bytes a token (14,080 tokens in a pc guest's 99 KB), so this admits about 14 MB of them.
     */
    public static final long MAX_TOKENS = 1L << 21;

    /** A JSON mapper with the bounds of the streaming reader of descriptions, and {@link #MAX_TOKENS}. */
    private static ObjectMapper mapper(int maxBytes) {
        JsonMapper m = JsonMapper.builder().build();
        m.getFactory().setStreamReadConstraints(VmDescriptionLayout.constraints(maxBytes).rebuild()
                .maxTokenCount(MAX_TOKENS).build());
        return m;
    }

    /**
     * Parses the JSON bytes of a VMDESCRIPTION record.
     *
     * @param offset the record's offset, for the error
     * @throws MigrationFormatException if the bytes are not a JSON object
     */
    public static VmDescriptionIndex parse(ByteBuffer json, int maxBytes, String source, long offset)
            throws MigrationFormatException {
        byte[] b = new byte[json.remaining()];
        json.duplicate().get(b);
        JsonNode root;
        try {
            root = mapper(maxBytes).readTree(b);
        } catch (StreamConstraintsException e) {
            throw new MigrationFormatException(Reason.LIMIT_EXCEEDED, source, offset, offset, null,
                    e.getOriginalMessage().startsWith("Token count")
                            ? "VMDESCRIPTION too large to decode: more than " + MAX_TOKENS + " JSON tokens"
                            : "VMDESCRIPTION too large to decode (" + e.getOriginalMessage() + ")");
        } catch (JsonProcessingException e) {
            throw new MigrationFormatException(Reason.CORRUPT, source, offset, offset, null,
                    "VMDESCRIPTION is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new MigrationFormatException(Reason.CORRUPT, source, offset, offset, null,
                    "VMDESCRIPTION is not valid JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new MigrationFormatException(Reason.CORRUPT, source, offset, offset, null,
                    "VMDESCRIPTION is not a JSON object");
        }
        return new VmDescriptionIndex(root);
    }

    public static VmDescriptionIndex of(JsonNode root) {
        return new VmDescriptionIndex(Objects.requireNonNull(root, "root"));
    }

    /** The whole document as parsed. */
    public JsonNode root() {
        return root;
    }

    /** The description of the CONFIGURATION record (QEMU 8.2+), or null. */
    public JsonNode configuration() {
        JsonNode c = root.get("configuration");
        return c != null && c.isObject() ? c : null;
    }

    /** {@code page_size}, or 0 if absent. */
    public int pageSize() {
        return root.path("page_size").asInt(0);
    }

    public List<JsonNode> devices() {
        return devices;
    }

    /**
     * The description of the {@code k}-th FULL section, named {@code name} with {@code instanceId}:
     * {@code devices[k]} if it has that identity, else the last entry that has it; null if none.
     */
    public JsonNode device(int k, String name, long instanceId) {
        Key want = new Key(utf8(name), instanceId);
        if (k >= 0 && k < devices.size() && key(devices.get(k)).equals(want)) {
            return devices.get(k);
        }
        return byKey.get(want);
    }

    /** The last entry named {@code name} with {@code instanceId} (how analyze-migration.py looks up), or null. */
    public JsonNode deviceByKey(String name, long instanceId) {
        return byKey.get(new Key(utf8(name), instanceId));
    }

    /**
     * A name as read from the stream (the codec keeps bytes as ISO-8859-1 characters) decoded as
     * UTF-8, as the JSON and analyze-migration.py ({@code readstr}) have it; ASCII is unchanged.
     */
    public static String utf8(String streamName) {
        return new String(streamName.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
