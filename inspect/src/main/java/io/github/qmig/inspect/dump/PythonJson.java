package io.github.qmig.inspect.dump;

import io.github.qmig.codec.vmdesc.JsonForm;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON text exactly as Python's {@code json.JSONEncoder(indent=4, separators=(',', ': '))}
 * does (the encoder of scripts/analyze-migration.py): four-space indentation, {@code "key": value},
 * {@code []} and {@code {}} for empty containers, and {@code ensure_ascii} escaping (every character
 * outside {@code ' '..'~'} as a lowercase {@code \\u} escape with four hex digits, except {@code \" \\ \n \r \t \b \f}).
 *
 * <p>Accepts {@link Map} (in iteration order), {@link List}, {@link String}, {@link Boolean},
 * integral {@link Number}s, {@link Double}, and null or {@link JsonForm.Null}: what the VMDESCRIPTION
 * model's {@code toJson()} gives.
 */
public final class PythonJson {

    private static final String INDENT = "    ";

    private PythonJson() {
    }

    /** The encoded text, without a trailing newline (Python's {@code encode}, not {@code print}). */
    public static String encode(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int level) {
        if (v instanceof Map<?, ?> m) {
            writeObject(sb, m.entrySet().iterator(), m.isEmpty(), level);
        } else if (v instanceof List<?> l) {
            writeArray(sb, l.iterator(), l.isEmpty(), level);
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Double d) {
            sb.append(floatRepr(d));
        } else if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            sb.append(v);
        } else if (v == null || v == JsonForm.Null.NULL) {
            sb.append("null");
        } else {
            throw new IllegalArgumentException("not JSON: " + v.getClass().getName());
        }
    }

    private static void writeObject(StringBuilder sb, Iterator<? extends Map.Entry<?, ?>> it, boolean empty, int level) {
        if (empty) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            sb.append(first ? "" : ",");
            newline(sb, level + 1);
            string(sb, String.valueOf(e.getKey()));
            sb.append(": ");
            write(sb, e.getValue(), level + 1);
            first = false;
        }
        newline(sb, level);
        sb.append('}');
    }

    private static void writeArray(StringBuilder sb, Iterator<?> it, boolean empty, int level) {
        if (empty) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        boolean first = true;
        while (it.hasNext()) {
            sb.append(first ? "" : ",");
            newline(sb, level + 1);
            write(sb, it.next(), level + 1);
            first = false;
        }
        newline(sb, level);
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int level) {
        sb.append('\n');
        for (int i = 0; i < level; i++) {
            sb.append(INDENT);
        }
    }

    /** Python's {@code py_encode_basestring_ascii}. */
    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c)); // UTF-16 units: surrogate pairs as Python
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Python's {@code float.__repr__}: shortest digits, exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = bd.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return String.format("%s%se%s%02d", sign, mantissa, exp < 0 ? "-" : "+", Math.abs(exp));
    }
}
