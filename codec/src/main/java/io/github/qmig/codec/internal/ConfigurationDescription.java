package io.github.qmig.codec.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Keeps the VMDESCRIPTION's {@code configuration} object (QEMU 8.2+) true to a CONFIGURATION record
 * whose capabilities a converter changed: tools that decode the record with the JSON
 * (scripts/analyze-migration.py, {@code qmig dump}) would otherwise misread it. Only that object is
 * rewritten; every other byte of the JSON is kept.
 *
 * <p>The capabilities subsection is described as QEMU describes it (migration/savevm.c
 * {@code vmstate_capabilites}; migration/vmstate.c {@code vmsd_desc_field_start}: an
 * {@code array_len} only for more than one element, and the size of the first element):
 * <pre>
 * {"vmsd_name": "configuration/capabilities", "version": 1, "fields": [
 *   {"name": "caps_count", "type": "uint32", "size": 4},
 *   {"name": "capabilities", ["array_len": n, ]"type": "capability", "size": 1 + len(first)}]}
 * </pre>
 * The output uses QEMU's separators ({@code ", "} and {@code ": "}).
 */
public final class ConfigurationDescription {

    private static final String CAPS = "configuration/capabilities";
    private static final List<String> ORDER = List.of("configuration/target-page-bits", CAPS, "configuration/uuid");

    private ConfigurationDescription() {
    }

    /**
     * The JSON with its configuration object's capabilities replaced by {@code caps}, or the JSON
     * unchanged if it has no configuration object (QEMU before 8.2) or cannot be parsed.
     */
    public static byte[] withCapabilities(byte[] json, List<String> caps) {
        try {
            int[] span = configurationSpan(json);
            if (span == null) {
                return json;
            }
            ObjectMapper m = new ObjectMapper();
            ObjectNode config = (ObjectNode) m.readTree(json, span[0], span[1] - span[0]);
            ArrayNode subs = config.has("subsections") ? (ArrayNode) config.get("subsections") : m.createArrayNode();
            for (int i = subs.size() - 1; i >= 0; i--) {
                if (CAPS.equals(subs.get(i).path("vmsd_name").asText())) {
                    subs.remove(i);
                }
            }
            if (!caps.isEmpty()) {
                int at = 0;
                while (at < subs.size() && ORDER.indexOf(subs.get(at).path("vmsd_name").asText()) < ORDER.indexOf(CAPS)) {
                    at++;
                }
                subs.insert(at, capabilities(m, caps));
            }
            if (subs.isEmpty()) {
                config.remove("subsections");
            } else {
                config.set("subsections", subs);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 256);
            out.write(json, 0, span[0]);
            out.writeBytes(encode(config).getBytes(StandardCharsets.UTF_8));
            out.write(json, span[1], json.length - span[1]);
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            return json;
        }
    }

    private static ObjectNode capabilities(ObjectMapper m, List<String> caps) {
        ObjectNode s = m.createObjectNode();
        s.put("vmsd_name", CAPS).put("version", 1);
        ArrayNode fields = s.putArray("fields");
        fields.addObject().put("name", "caps_count").put("type", "uint32").put("size", 4);
        ObjectNode f = fields.addObject().put("name", "capabilities");
        if (caps.size() > 1) {
            f.put("array_len", caps.size());
        }
        f.put("type", "capability").put("size", 1 + caps.get(0).getBytes(StandardCharsets.ISO_8859_1).length);
        return s;
    }

    /** Byte offsets of the configuration object's value, or null. */
    private static int[] configurationSpan(byte[] json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("configuration") && value == JsonToken.START_OBJECT) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    return new int[] {start, (int) p.currentLocation().getByteOffset()};
                }
                p.skipChildren();
            }
            return null;
        }
    }

    /** JSON text with QEMU's separators; the configuration object holds only names and integers. */
    static String encode(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        encode(n, sb);
        return sb.toString();
    }

    private static void encode(JsonNode n, StringBuilder sb) {
        if (n.isObject()) {
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                quote(e.getKey(), sb);
                sb.append(": ");
                encode(e.getValue(), sb);
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                encode(n.get(i), sb);
            }
            sb.append(']');
        } else if (n.isTextual()) {
            quote(n.asText(), sb);
        } else {
            sb.append(n.toString());
        }
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
