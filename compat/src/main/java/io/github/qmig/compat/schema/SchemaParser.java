package io.github.qmig.compat.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.compat.TargetException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code -dump-vmstate} JSON (migration/savevm.c {@code dump_vmstate_json_to_file}) into a
 * {@link VmstateSchema}: a token stream, every bound from {@link ReadLimits} checked while reading
 * (bytes, JSON values in all, vmstate nesting, string length), so a hostile or broken file fails
 * with a {@link TargetException} naming the byte, never with an exhausted heap.
 *
 * <pre>
 * { "vmschkmachine": { "Name": "pc-i440fx-10.0" },
 *   "&lt;QOM type&gt;": { "Name": ..., "version_id": N, "minimum_version_id": N, "Description": VMSD }, ... }
 * VMSD  := { "name", "version_id", "minimum_version_id", "Fields": [FIELD...]?, "Subsections": [VMSD...]? }
 * FIELD := { "field", "version_id", "field_exists", "num"?, "size", "Description": VMSD? }
 * </pre>
 *
 * Keys it does not know are skipped (a later QEMU may add some); a vmsd without a name, a version
 * that is not an integer, or a value of the wrong kind is refused.
 */
public final class SchemaParser {

    private final JsonParser p;
    private final ReadLimits limits;
    private final String source;
    private int nodes;
    private int depth;

    private SchemaParser(JsonParser p, ReadLimits limits, String source) {
        this.p = p;
        this.limits = limits;
        this.source = source;
    }

    /**
     * Parses {@code json}, named {@code source} in errors.
     *
     * @throws TargetException for JSON that is not a schema or is beyond a limit
     */
    public static VmstateSchema parse(byte[] json, String source, ReadLimits limits) throws TargetException {
        if (json.length > limits.maxSchemaBytes()) {
            throw TargetException.at(source, 0, "vmstate schema of %d bytes (limit %d)", json.length,
                    limits.maxSchemaBytes());
        }
        int string = Math.min(limits.maxSchemaBytes(), limits.maxStringLength());
        StreamReadConstraints c = StreamReadConstraints.builder().maxStringLength(string).maxNameLength(string)
                .maxNestingDepth(4 * limits.maxVmDescriptionDepth() + 8).build();
        JsonFactory f = JsonFactory.builder().streamReadConstraints(c).build();
        try (JsonParser p = f.createParser(json)) {
            return new SchemaParser(p, limits, source).root();
        } catch (StreamConstraintsException e) {
            throw TargetException.at(source, offset(e), "vmstate schema beyond the limits (%s)", e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw TargetException.at(source, offset(e), "not a vmstate schema: not valid JSON (%s)",
                    e.getOriginalMessage());
        } catch (TargetException e) {
            throw e;
        } catch (IOException e) {
            throw TargetException.at(source, 0, "not a vmstate schema (%s)", e.getMessage());
        }
    }

    private static long offset(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getByteOffset());
    }

    private long here() {
        return Math.max(0, p.currentTokenLocation().getByteOffset());
    }

    private TargetException bad(String format, Object... args) {
        return TargetException.at(source, here(), "not a vmstate schema: " + format, args);
    }

    private JsonToken next() throws IOException {
        JsonToken t = p.nextToken();
        if (t != null && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY && t != JsonToken.FIELD_NAME
                && ++nodes > limits.maxSchemaNodes()) {
            throw TargetException.at(source, here(), "vmstate schema with more than %d JSON values",
                    limits.maxSchemaNodes());
        }
        return t;
    }

    private VmstateSchema root() throws IOException {
        if (next() != JsonToken.START_OBJECT) {
            throw bad("the root is not an object");
        }
        String machine = null;
        Map<String, SchemaVmsd> types = new LinkedHashMap<>();
        while (next() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = next();
            if (key.equals("vmschkmachine")) {
                machine = machine(t);
            } else {
                expect(t, JsonToken.START_OBJECT, "type '" + key + "'");
                types.put(key, type(key));
            }
        }
        if (next() != null) {
            throw bad("bytes after the root object");
        }
        return new VmstateSchema(machine, types);
    }

    private String machine(JsonToken t) throws IOException {
        expect(t, JsonToken.START_OBJECT, "vmschkmachine");
        String name = null;
        while (next() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = next();
            if (key.equals("Name")) {
                name = string(v, "vmschkmachine.Name");
            } else {
                skip(v);
            }
        }
        return name;
    }

    /** One device type: its own version keys repeat its Description's, which is what loading uses. */
    private SchemaVmsd type(String key) throws IOException {
        SchemaVmsd vmsd = null;
        while (next() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = next();
            if (k.equals("Description")) {
                expect(v, JsonToken.START_OBJECT, "Description of '" + key + "'");
                vmsd = vmsd();
            } else {
                skip(v);
            }
        }
        if (vmsd == null) {
            throw bad("type '%s' without Description", key);
        }
        return vmsd;
    }

    private SchemaVmsd vmsd() throws IOException {
        if (++depth > limits.maxVmDescriptionDepth()) {
            throw TargetException.at(source, here(), "vmstate schema nested deeper than %d",
                    limits.maxVmDescriptionDepth());
        }
        String name = null;
        int version = 0;
        int minimum = 0;
        List<SchemaField> fields = new ArrayList<>();
        List<SchemaVmsd> subsections = new ArrayList<>();
        while (next() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = next();
            switch (key) {
                case "name" -> name = string(v, "name");
                case "version_id" -> version = integer(v, "version_id");
                case "minimum_version_id" -> minimum = integer(v, "minimum_version_id");
                case "Fields" -> {
                    expect(v, JsonToken.START_ARRAY, "Fields");
                    while (next() == JsonToken.START_OBJECT) {
                        fields.add(field());
                    }
                    expectEnd(JsonToken.END_ARRAY, "Fields");
                }
                case "Subsections" -> {
                    expect(v, JsonToken.START_ARRAY, "Subsections");
                    while (next() == JsonToken.START_OBJECT) {
                        subsections.add(vmsd());
                    }
                    expectEnd(JsonToken.END_ARRAY, "Subsections");
                }
                default -> skip(v);
            }
        }
        if (name == null) {
            throw bad("a vmstate description without name");
        }
        depth--;
        return new SchemaVmsd(name, version, minimum, fields, subsections);
    }

    private SchemaField field() throws IOException {
        String name = null;
        int version = 0;
        boolean exists = false;
        int num = -1;
        long size = -1;
        SchemaVmsd description = null;
        while (next() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = next();
            switch (key) {
                case "field" -> name = string(v, "field");
                case "version_id" -> version = integer(v, "version_id");
                case "field_exists" -> {
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                        throw bad("field_exists is not a boolean");
                    }
                    exists = v == JsonToken.VALUE_TRUE;
                }
                case "num" -> num = integer(v, "num");
                case "size" -> {
                    expect(v, JsonToken.VALUE_NUMBER_INT, "size");
                    size = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? -1 : p.getLongValue();
                }
                case "Description" -> {
                    expect(v, JsonToken.START_OBJECT, "Description");
                    description = vmsd();
                }
                default -> skip(v);
            }
        }
        if (name == null) {
            throw bad("a field without name");
        }
        return new SchemaField(name, version, exists, num, size, description);
    }

    private void expect(JsonToken t, JsonToken wanted, String what) throws TargetException {
        if (t != wanted) {
            throw bad("%s is %s, not %s", what, t == null ? "missing" : t.asString() == null ? t : t.asString(),
                    wanted == JsonToken.START_OBJECT ? "an object" : wanted == JsonToken.START_ARRAY ? "an array"
                            : "an integer");
        }
    }

    private void expectEnd(JsonToken wanted, String what) throws TargetException {
        if (p.currentToken() != wanted) {
            throw bad("%s holds something else than objects", what);
        }
    }

    private String string(JsonToken t, String what) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw bad("%s is not a string", what);
        }
        return p.getText();
    }

    private int integer(JsonToken t, String what) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw bad("%s is not a 32-bit integer", what);
        }
        return p.getIntValue();
    }

    /** Skips the value that starts with {@code t}, counting its values against the limit. */
    private void skip(JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return;
        }
        int open = 1;
        while (open > 0) {
            JsonToken n = next();
            if (n == null) {
                throw bad("input ends inside a value");
            }
            if (n == JsonToken.START_OBJECT || n == JsonToken.START_ARRAY) {
                open++;
            } else if (n == JsonToken.END_OBJECT || n == JsonToken.END_ARRAY) {
                open--;
            }
        }
    }
}
