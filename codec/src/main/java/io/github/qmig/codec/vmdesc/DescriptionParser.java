package io.github.qmig.codec.vmdesc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one parser of VMDESCRIPTION JSON: a token stream (never a generic tree) turned into the typed
 * {@link Description}, for every use (delimiting device sections, dump, validate, compatibility).
 * One set of rules:
 * <ul>
 *   <li>bounds from {@link ReadLimits}, checked while reading: bytes, device entries, JSON values
 *       in all, vmstate nesting, string length; beyond one of them the description is refused
 *       ({@link Code#LIMIT_EXCEEDED}), never read partly;</li>
 *   <li>a key that repeats (QEMU writes some duplicates for {@code qtailq} and {@code gtree}
 *       fields) keeps its first place and its last value, as Python's {@code json.loads} and
 *       scripts/analyze-migration.py have it;</li>
 *   <li>numbers QEMU writes as integers are taken when they are integers (an integral float is
 *       taken too); anything else a typed field cannot hold is kept as it was ({@link JsonForm}),
 *       and the typed field says "unknown" (-1, null);</li>
 *   <li>names are UTF-8 text ({@link Description#jsonName} maps stream idstrs onto them).</li>
 * </ul>
 * Malformed JSON, or a root that is not an object, is {@link Code#VMDESC_INVALID}.
 *
 * <p>Size: one recursive-descent reader per element kind (root, device, vmsd, field) and the
 * scalars they share; splitting them would spread one set of rules over several files.
 */
public final class DescriptionParser {

    private static final List<String> NO_KEYS = List.of();

    private final JsonParser p;
    private final ReadLimits limits;
    private final long base;
    private int nodes;
    private int depth;
    private final Map<String, String> strings = new HashMap<>();
    private final Map<List<String>, List<String>> shapes = new HashMap<>();

    private DescriptionParser(JsonParser p, ReadLimits limits, long base) {
        this.p = p;
        this.limits = limits;
        this.base = base;
    }

    /** The Jackson bounds every reading of a description applies (strings, names, JSON nesting). */
    static StreamReadConstraints constraints(ReadLimits limits) {
        int string = Math.min(limits.maxVmDescription(), limits.maxStringLength());
        return StreamReadConstraints.builder().maxStringLength(string).maxNameLength(string)
                .maxNestingDepth(4 * limits.maxVmDescriptionDepth() + 8).build();
    }

    /** Parses {@code json}; errors are at offsets of the JSON bytes (add the record's offset). */
    public static Description parse(byte[] json, ReadLimits limits) throws MigrationFormatException {
        return parse(json, 0, limits);
    }

    /**
     * Parses {@code json}, whose first byte is at absolute offset {@code jsonOffset} of the stream
     * (for the offsets of errors).
     *
     * @throws MigrationFormatException {@link Code#VMDESC_INVALID} for malformed JSON or a root that is
     *         not an object, {@link Code#LIMIT_EXCEEDED} beyond a limit
     */
    public static Description parse(byte[] json, long jsonOffset, ReadLimits limits) throws MigrationFormatException {
        if (json.length > limits.maxVmDescription()) {
            throw MigrationFormatException.of(Code.LIMIT_EXCEEDED, jsonOffset, "VMDESCRIPTION of %d bytes (limit %d)",
                    json.length, limits.maxVmDescription());
        }
        JsonFactory f = JsonFactory.builder().streamReadConstraints(constraints(limits)).build();
        try (JsonParser p = f.createParser(json)) {
            return new DescriptionParser(p, limits, jsonOffset).root();
        } catch (StreamConstraintsException e) {
            throw MigrationFormatException.of(Code.LIMIT_EXCEEDED, jsonOffset + offset(e),
                    "VMDESCRIPTION too large to decode (%s)", e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw MigrationFormatException.of(Code.VMDESC_INVALID, jsonOffset + offset(e),
                    "VMDESCRIPTION is not valid JSON (%s)", e.getOriginalMessage());
        } catch (MigrationFormatException e) {
            throw e;
        } catch (IOException e) {
            throw MigrationFormatException.of(Code.VMDESC_INVALID, jsonOffset,
                    "VMDESCRIPTION is not valid JSON (%s)", e.getMessage());
        }
    }

    private static long offset(com.fasterxml.jackson.core.JsonProcessingException e) {
        return e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getByteOffset());
    }

    private long here() {
        return base + Math.max(0, p.currentTokenLocation().getByteOffset());
    }

    // ------------------------------------------------------------------ typed objects

    /** What a typed object's handler did with a key's value. */
    private enum Taken {
        /** Consumed into the typed model. */
        TYPED,
        /** Not consumed: kept as it is in the form's extras (and perhaps also taken, see integer()). */
        KEEP
    }

    /** Reads one object's keys into {@code handler}; the parser is at its START_OBJECT. */
    private JsonForm object(KeyHandler handler) throws IOException {
        count();
        List<String> keys = new ArrayList<>(8);
        Map<String, Object> extras = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = intern(p.currentName());
            JsonToken t = p.nextToken();
            if (!keys.contains(key)) {
                keys.add(key);
            }
            if (handler.take(key, t) == Taken.TYPED) {
                if (extras != null) {
                    extras.remove(key);
                }
            } else {
                if (extras == null) {
                    extras = new LinkedHashMap<>();
                }
                extras.put(key, generic());
            }
        }
        return new JsonForm(shapes.computeIfAbsent(keys, List::copyOf), extras, null);
    }

    @FunctionalInterface
    private interface KeyHandler {
        /** Takes the value of {@code key}, whose first token is {@code t}, into the model, or says KEEP. */
        Taken take(String key, JsonToken t) throws IOException;
    }

    private Description root() throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw MigrationFormatException.of(Code.VMDESC_INVALID, base, "VMDESCRIPTION is not a JSON object");
        }
        Object[] config = new Object[1];
        long[] span = new long[2];
        long[] pageSize = {0};
        List<DeviceEntry> devices = new ArrayList<>();
        JsonForm form = object((key, t) -> switch (key) {
            case "configuration" -> {
                if (t != JsonToken.START_OBJECT) {
                    yield Taken.KEEP;
                }
                span[0] = p.currentTokenLocation().getByteOffset();
                config[0] = vmsd(t);
                span[1] = p.currentLocation().getByteOffset();
                yield Taken.TYPED;
            }
            case "page_size" -> {
                long v = integer(t);
                boolean fits = v >= 0 && v <= Integer.MAX_VALUE;
                pageSize[0] = fits ? v : 0;
                yield t == JsonToken.VALUE_NUMBER_INT && fits ? Taken.TYPED : Taken.KEEP;
            }
            case "devices" -> {
                if (t != JsonToken.START_ARRAY) {
                    yield Taken.KEEP;
                }
                devices.clear();
                count();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    if (devices.size() >= limits.maxVmDescriptionDevices()) {
                        throw MigrationFormatException.of(Code.LIMIT_EXCEEDED, here(),
                                "VMDESCRIPTION has more than %d device entries", limits.maxVmDescriptionDevices());
                    }
                    devices.add(device(e));
                }
                yield Taken.TYPED;
            }
            default -> Taken.KEEP;
        });
        Vmsd configuration = (Vmsd) config[0];
        return new Description((int) pageSize[0], configuration, devices, configuration == null ? null : span, form);
    }

    private DeviceEntry device(JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            Object v = generic();
            return new DeviceEntry("", -1, -1, new Vmsd(null, -1, null, List.of(), JsonForm.of()),
                    new JsonForm(NO_KEYS, null, v));
        }
        String[] name = {""};
        long[] instance = {-1};
        long[] size = {-1};
        VmsdParts parts = new VmsdParts();
        enter();
        JsonForm form = object((key, v) -> switch (key) {
            case "name" -> string(v, s -> name[0] = s);
            case "instance_id" -> integer(v, n -> instance[0] = n);
            case "size" -> integer(v, n -> size[0] = n);
            default -> parts.take(key, v);
        });
        depth--;
        return new DeviceEntry(name[0], instance[0], size[0], parts.build(form), form);
    }

    /** The keys of a vmsd, wherever they stand (a device, a struct, a subsection, a tmp field). */
    private final class VmsdParts {
        String name;
        long version = -1;
        List<VmsdField> fields;
        List<Vmsd> subsections = List.of();
        boolean any;

        Taken take(String key, JsonToken t) throws IOException {
            switch (key) {
                case "vmsd_name":
                    any = true;
                    return string(t, s -> name = s);
                case "version":
                    any = true;
                    return integer(t, n -> version = n);
                case "fields": {
                    any = true;
                    if (t != JsonToken.START_ARRAY) {
                        return Taken.KEEP;
                    }
                    count();
                    List<VmsdField> list = new ArrayList<>();
                    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                        list.add(field(e));
                    }
                    fields = list;
                    return Taken.TYPED;
                }
                case "subsections": {
                    any = true;
                    if (t != JsonToken.START_ARRAY) {
                        return Taken.KEEP;
                    }
                    count();
                    List<Vmsd> list = new ArrayList<>();
                    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                        list.add(vmsd(e));
                    }
                    subsections = list;
                    return Taken.TYPED;
                }
                default:
                    return Taken.KEEP;
            }
        }

        Vmsd build(JsonForm form) {
            return new Vmsd(name, version, fields, subsections, form);
        }
    }

    /** A vmsd object (struct, subsection, configuration), or a non-object where one was expected. */
    private Vmsd vmsd(JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            return new Vmsd(null, -1, null, List.of(), new JsonForm(NO_KEYS, null, generic()));
        }
        VmsdParts parts = new VmsdParts();
        enter();
        JsonForm form = object(parts::take);
        depth--;
        return parts.build(form);
    }

    private VmsdField field(JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            return new VmsdField("", null, -1, -1, -1, null, null, new JsonForm(NO_KEYS, null, generic()));
        }
        String[] name = {""};
        String[] type = {null};
        long[] size = {-1};
        long[] arrayLen = {-1};
        long[] index = {-1};
        Vmsd[] struct = {null};
        VmsdParts inline = new VmsdParts();
        JsonForm form = object((key, v) -> switch (key) {
            case "name" -> string(v, s -> name[0] = s);
            case "type" -> string(v, s -> type[0] = s);
            case "size" -> integer(v, n -> size[0] = n);
            case "array_len" -> {
                Taken r = integer(v, n -> arrayLen[0] = n);
                if (r == Taken.KEEP && arrayLen[0] < 0) {
                    arrayLen[0] = VmsdField.ARRAY_LEN_INVALID;
                }
                yield r;
            }
            case "index" -> integer(v, n -> index[0] = n);
            case "struct" -> {
                if (v != JsonToken.START_OBJECT) {
                    yield Taken.KEEP;
                }
                struct[0] = vmsd(v);
                yield Taken.TYPED;
            }
            default -> {
                enter();
                Taken r = inline.take(key, v);
                depth--;
                yield r;
            }
        });
        return new VmsdField(name[0], type[0], size[0], arrayLen[0], index[0], struct[0],
                inline.any ? inline.build(form) : null, form);
    }

    // ------------------------------------------------------------------ scalars and generic values

    @FunctionalInterface
    private interface LongSetter {
        void set(long v);
    }

    @FunctionalInterface
    private interface StringSetter {
        void set(String v);
    }

    private Taken string(JsonToken t, StringSetter out) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            return Taken.KEEP;
        }
        count();
        out.set(intern(p.getText()));
        return Taken.TYPED;
    }

    /**
     * A non-negative integer for a typed field: a plain integer is TYPED; an integral float is
     * taken and also KEPT (so it is written back as the float it was); anything else is KEPT only.
     */
    private Taken integer(JsonToken t, LongSetter out) throws IOException {
        long v = integer(t);
        if (v >= 0) {
            out.set(v);
        }
        return t == JsonToken.VALUE_NUMBER_INT && v >= 0 ? Taken.TYPED : Taken.KEEP;
    }

    /** The value of an integral number token that fits a long and is not negative, else -1 (nothing consumed). */
    private long integer(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long v = p.getLongValue();
            if (v >= 0) {
                count();
            }
            return v >= 0 ? v : -1;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            return d >= 0 && d < 0x1p62 && d == Math.rint(d) ? (long) d : -1;
        }
        return -1;
    }

    /** Any JSON value, as {@link JsonForm} describes values; the parser is at its first token. */
    private Object generic() throws IOException {
        count();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, generic()); // a repeated key keeps its place and takes the new value
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(generic());
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            default:
                return JsonForm.Null.NULL;
        }
    }

    private void count() throws MigrationFormatException {
        if (++nodes > limits.maxVmDescriptionNodes()) {
            throw MigrationFormatException.of(Code.LIMIT_EXCEEDED, here(),
                    "VMDESCRIPTION has more than %d JSON values", limits.maxVmDescriptionNodes());
        }
    }

    private void enter() throws MigrationFormatException {
        if (++depth > limits.maxVmDescriptionDepth()) {
            throw MigrationFormatException.of(Code.LIMIT_EXCEEDED, here(),
                    "VMDESCRIPTION nested deeper than %d levels", limits.maxVmDescriptionDepth());
        }
    }

    private String intern(String s) {
        String known = strings.putIfAbsent(s, s);
        return known != null ? known : s;
    }
}
