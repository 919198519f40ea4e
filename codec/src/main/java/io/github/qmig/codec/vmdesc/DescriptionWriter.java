package io.github.qmig.codec.vmdesc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mirror of {@link DescriptionParser}: turns the model back into JSON values, key for key as
 * it was read ({@link JsonForm}), and writes JSON text the way QEMU does (migration/vmstate.c and
 * qobject/json-writer.c: {@code ", "} and {@code ": "} separators, no indentation).
 *
 * <p>Its one edit is the one a converter needs: {@link #withCapabilities} rewrites the
 * {@code configuration} object of a description whose CONFIGURATION record was given other
 * capabilities, so that tools decoding the record with the JSON (scripts/analyze-migration.py,
 * {@code qmig dump}) do not misread it; every other byte of the JSON is kept.
 */
public final class DescriptionWriter {

    private static final String CAPABILITIES = "configuration/capabilities";
    /** Declaration order of the configuration's subsections ({@code vmstate_configuration} in migration/savevm.c). */
    private static final List<String> ORDER = List.of("configuration/target-page-bits", CAPABILITIES,
            "configuration/uuid");

    private DescriptionWriter() {
    }

    // ------------------------------------------------------------------ model to values

    /** The description as ordered maps, lists and scalars. */
    public static Object toJson(Description d) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : d.form().keys()) {
            if (d.form().isExtra(key)) {
                m.put(key, d.form().extras().get(key));
                continue;
            }
            switch (key) {
                case "configuration" -> m.put(key, toJson(d.configuration()));
                case "page_size" -> m.put(key, (long) d.pageSize());
                case "devices" -> {
                    List<Object> l = new ArrayList<>(d.devices().size());
                    d.devices().forEach(e -> l.add(toJson(e)));
                    m.put(key, l);
                }
                default -> throw new IllegalStateException("untyped key " + key);
            }
        }
        return m;
    }

    static Object toJson(DeviceEntry e) {
        if (e.form().notAnObject()) {
            return e.form().value();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : e.form().keys()) {
            if (e.form().isExtra(key)) {
                m.put(key, e.form().extras().get(key));
                continue;
            }
            switch (key) {
                case "name" -> m.put(key, e.name());
                case "instance_id" -> m.put(key, e.instanceId());
                case "size" -> m.put(key, e.size());
                default -> m.put(key, vmsdValue(e.vmsd(), key));
            }
        }
        return m;
    }

    /** A vmsd as an object. */
    public static Object toJson(Vmsd v) {
        if (v.form().notAnObject()) {
            return v.form().value();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : v.form().keys()) {
            m.put(key, v.form().isExtra(key) ? v.form().extras().get(key) : vmsdValue(v, key));
        }
        return m;
    }

    static Object toJson(VmsdField f) {
        if (f.form().notAnObject()) {
            return f.form().value();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : f.form().keys()) {
            if (f.form().isExtra(key)) {
                m.put(key, f.form().extras().get(key));
                continue;
            }
            switch (key) {
                case "name" -> m.put(key, f.name());
                case "type" -> m.put(key, f.type());
                case "size" -> m.put(key, f.size());
                case "array_len" -> m.put(key, f.arrayLen());
                case "index" -> m.put(key, f.index());
                case "struct" -> m.put(key, toJson(f.struct()));
                default -> m.put(key, vmsdValue(f.inline(), key));
            }
        }
        return m;
    }

    private static Object vmsdValue(Vmsd v, String key) {
        switch (key) {
            case "vmsd_name":
                return v.name();
            case "version":
                return v.version();
            case "fields": {
                List<Object> l = new ArrayList<>(v.fields().size());
                v.fields().forEach(f -> l.add(toJson(f)));
                return l;
            }
            case "subsections": {
                List<Object> l = new ArrayList<>(v.subsections().size());
                v.subsections().forEach(s -> l.add(toJson(s)));
                return l;
            }
            default:
                throw new IllegalStateException("untyped key " + key);
        }
    }

    // ------------------------------------------------------------------ QEMU's text

    /** JSON text with QEMU's separators. */
    public static String qemuText(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb);
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb) {
        if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ");
                quote(String.valueOf(e.getKey()), sb);
                sb.append(": ");
                write(e.getValue(), sb);
                first = false;
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i > 0 ? ", " : "");
                write(l.get(i), sb);
            }
            sb.append(']');
        } else if (v instanceof String s) {
            quote(s, sb);
        } else if (v == null || v == JsonForm.Null.NULL) {
            sb.append("null");
        } else {
            sb.append(v); // numbers, booleans
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

    // ------------------------------------------------------------------ the converter's edit

    /**
     * {@code json} (parsed as {@code d}) with its configuration's capabilities subsection replaced
     * by one listing {@code caps} (dropped when empty, added in declaration order when absent),
     * described as QEMU describes it (migration/savevm.c {@code vmstate_capabilites}; an
     * {@code array_len} only for more than one element, the size of the first element):
     * <pre>
     * {"vmsd_name": "configuration/capabilities", "version": 1, "fields": [
     *   {"name": "caps_count", "type": "uint32", "size": 4},
     *   {"name": "capabilities", ["array_len": n, ]"type": "capability", "size": 1 + len(first)}]}
     * </pre>
     * Unchanged if the description has no configuration object (QEMU before 8.2).
     */
    public static byte[] withCapabilities(byte[] json, Description d, List<String> caps) {
        long[] span = d.configurationSpan();
        Vmsd config = d.configuration();
        if (span == null || config.form().notAnObject()) {
            return json;
        }
        List<Vmsd> subs = new ArrayList<>(config.subsections());
        subs.removeIf(s -> CAPABILITIES.equals(s.name()));
        if (!caps.isEmpty()) {
            int at = 0;
            while (at < subs.size() && ORDER.indexOf(subs.get(at).name()) < ORDER.indexOf(CAPABILITIES)) {
                at++;
            }
            subs.add(at, capabilities(caps));
        }
        List<String> keys = new ArrayList<>(config.form().keys());
        if (subs.isEmpty()) {
            keys.remove("subsections");
        } else if (!keys.contains("subsections")) {
            keys.add("subsections");
        }
        Map<String, Object> extras = config.form().extras();
        if (extras != null && extras.containsKey("subsections")) {
            extras = new LinkedHashMap<>(extras);
            extras.remove("subsections");
        }
        Vmsd edited = new Vmsd(config.name(), config.version(), config.fields(), subs,
                new JsonForm(List.copyOf(keys), extras, null));
        byte[] text = qemuText(toJson(edited)).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 256);
        out.write(json, 0, (int) span[0]);
        out.writeBytes(text);
        out.write(json, (int) span[1], json.length - (int) span[1]);
        return out.toByteArray();
    }

    private static Vmsd capabilities(List<String> caps) {
        List<VmsdField> fields = List.of(
                new VmsdField("caps_count", "uint32", 4, -1, -1, null, null, JsonForm.of("name", "type", "size")),
                new VmsdField("capabilities", "capability", 1 + caps.get(0).getBytes(StandardCharsets.ISO_8859_1).length,
                        caps.size() > 1 ? caps.size() : -1, -1, null, null,
                        caps.size() > 1 ? JsonForm.of("name", "array_len", "type", "size")
                                : JsonForm.of("name", "type", "size")));
        return new Vmsd(CAPABILITIES, 1, fields, List.of(), JsonForm.of("vmsd_name", "version", "fields"));
    }
}
