package io.github.qmig.codec.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The device layouts a VMDESCRIPTION gives: for the k-th FULL section, its name, instance, version
 * and the exact payload length.
 *
 * <p>Every field object carries {@code size}, the bytes one element actually produced (measured by
 * {@code vmsd_desc_field_end} in migration/vmstate.c, nested subsections of structs included), and
 * {@code array_len} when one entry stands for several equal elements. A payload is therefore the
 * sum of its fields' sizes plus, per listed subsection, its wire header
 * ({@code 05, u8 len, name, be32 version}) and its own body, recursively
 * ({@code vmstate_subsection_save}).
 *
 * <p>The JSON is read as a token stream, never as a tree: memory stays proportional to the number
 * of devices, whatever the description holds (a tree of a hostile 16 MiB description needs
 * hundreds of MiB). Strings longer than {@link #MAX_STRING} and nesting deeper than
 * {@link #MAX_DEPTH} are errors. Where a key repeats (QEMU writes some duplicates), the last value
 * wins, as in a tree.
 */
public final class VmDescriptionLayout {

    /** Longest JSON string accepted; QEMU's names and types are at most a few hundred bytes. */
    public static final int MAX_STRING = 1 << 16;
    /** Deepest JSON nesting accepted. */
    public static final int MAX_DEPTH = 200;

    /**
     * One device entry: its identity, its {@code version} (-1 for old-style entries, which have
     * none) and its payload length (-1 if the JSON does not give one).
     */
    public record Device(String name, long instanceId, long version, long payloadLength) {
    }

    private final List<Device> devices;
    private final int pageSize;
    private final boolean configuration;

    private VmDescriptionLayout(List<Device> devices, int pageSize, boolean configuration) {
        this.devices = List.copyOf(devices);
        this.pageSize = pageSize;
        this.configuration = configuration;
    }

    /**
     * The bounds every reading of a VMDESCRIPTION applies: strings and names of at most
     * {@link #MAX_STRING} (and {@code maxBytes}) characters, nesting of at most {@link #MAX_DEPTH}.
     */
    public static StreamReadConstraints constraints(int maxBytes) {
        return StreamReadConstraints.builder().maxStringLength(Math.min(maxBytes, MAX_STRING))
                .maxNameLength(Math.min(maxBytes, MAX_STRING)).maxNestingDepth(MAX_DEPTH).build();
    }

    /**
     * Parses a description; fails with an IOException naming the JSON error (malformed JSON, a
     * root that is not an object, a string or nesting beyond the bounds).
     */
    public static VmDescriptionLayout parse(byte[] json, int maxBytes) throws IOException {
        JsonFactory f = JsonFactory.builder().streamReadConstraints(constraints(maxBytes)).build();
        try (JsonParser p = f.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("VMDESCRIPTION is not a JSON object");
            }
            List<Device> devices = List.of();
            int pageSize = 0;
            boolean configuration = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                switch (key) {
                    case "devices" -> devices = t == JsonToken.START_ARRAY ? devices(p) : skip(p, List.of());
                    case "page_size" -> pageSize = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            ? p.getIntValue() : skip(p, 0);
                    case "configuration" -> configuration = skip(p, true);
                    default -> p.skipChildren();
                }
            }
            return new VmDescriptionLayout(devices, pageSize, configuration);
        }
    }

    private static <T> T skip(JsonParser p, T value) throws IOException {
        p.skipChildren();
        return value;
    }

    private static List<Device> devices(JsonParser p) throws IOException {
        List<Device> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.START_OBJECT) {
                out.add(device(p));
            } else {
                p.skipChildren();
                out.add(new Device("", -1, -1, -1));
            }
        }
        return out;
    }

    /** A device object: identity keys plus the vmsd keys {@code fields} and {@code subsections}. */
    private static Device device(JsonParser p) throws IOException {
        String name = "";
        long instance = -1;
        long version = -1;
        Vmsd body = new Vmsd();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            switch (key) {
                case "name" -> name = text(p, "");
                case "instance_id" -> instance = integer(p, -1);
                case "version" -> version = integer(p, -1);
                default -> body.key(key, p);
            }
        }
        return new Device(name, instance, version, body.length());
    }

    /** Fields and subsections of one vmsd object, each kept as a length (-1: unknown). */
    private static final class Vmsd {
        long fields;
        long subsections;
        String vmsdName;

        void key(String key, JsonParser p) throws IOException {
            switch (key) {
                case "fields" -> fields = p.currentToken() == JsonToken.START_ARRAY ? fields(p) : skip(p, 0L);
                case "subsections" -> subsections = p.currentToken() == JsonToken.START_ARRAY ? subsections(p) : skip(p, 0L);
                case "vmsd_name" -> vmsdName = text(p, null);
                default -> p.skipChildren();
            }
        }

        long length() {
            return fields < 0 || subsections < 0 ? -1 : add(fields, subsections);
        }
    }

    private static Vmsd vmsd(JsonParser p) throws IOException {
        Vmsd v = new Vmsd();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            v.key(key, p);
        }
        return v;
    }

    private static long fields(JsonParser p) throws IOException {
        long total = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            long len = -1;
            if (t == JsonToken.START_OBJECT) {
                long size = -1;
                long count = 1;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    switch (key) {
                        case "size" -> size = integer(p, -1);
                        case "array_len" -> count = integer(p, 0);
                        default -> p.skipChildren();
                    }
                }
                len = size < 0 || count < 0 ? -1 : multiply(size, count);
            } else {
                p.skipChildren();
            }
            total = total < 0 || len < 0 ? -1 : add(total, len);
        }
        return total;
    }

    private static long subsections(JsonParser p) throws IOException {
        long total = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            long len = -1;
            if (t == JsonToken.START_OBJECT) {
                Vmsd s = vmsd(p);
                long body = s.length();
                if (body >= 0 && s.vmsdName != null) {
                    len = add(1 + 1 + s.vmsdName.getBytes(StandardCharsets.ISO_8859_1).length + 4, body);
                }
            } else {
                p.skipChildren();
            }
            total = total < 0 || len < 0 ? -1 : add(total, len);
        }
        return total;
    }

    private static String text(JsonParser p, String otherwise) throws IOException {
        if (p.currentToken().isScalarValue()) {
            return p.getText();
        }
        p.skipChildren();
        return otherwise;
    }

    /** An integral value that fits a long, or {@code otherwise}. */
    private static long integer(JsonParser p, long otherwise) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            return d >= 0 && d < 0x1p62 && d == Math.rint(d) ? (long) d : otherwise;
        }
        p.skipChildren();
        return otherwise;
    }

    private static long add(long a, long b) {
        long r = a + b;
        return r < 0 ? -1 : r;
    }

    private static long multiply(long a, long b) {
        return b != 0 && a > Long.MAX_VALUE / b ? -1 : a * b;
    }

    public List<Device> devices() {
        return devices;
    }

    /** The JSON's {@code page_size}, or 0. */
    public int pageSize() {
        return pageSize;
    }

    /** Whether the JSON has a {@code configuration} object (QEMU 8.2+ when CONFIGURATION was sent). */
    public boolean hasConfiguration() {
        return configuration;
    }
}
