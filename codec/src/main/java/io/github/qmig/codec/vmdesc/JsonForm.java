package io.github.qmig.codec.vmdesc;

import java.util.List;
import java.util.Map;

/**
 * How one element of a VMDESCRIPTION looked in the JSON, so that it can be written back as it was
 * ({@code qmig dump --desc}, a converted file's rewritten configuration): its keys in file order
 * (a repeated key keeps its first place; its value is the last one, as Python's {@code json.loads}
 * has it), and the values the typed model has no field for or could not take (an unknown key, a
 * {@code size} that is not an integer). QEMU's own descriptions have no such values: {@code extras}
 * is null, and the key lists are shared between all elements of the same shape.
 *
 * @param keys   the object's keys in order, or empty for an element that is not an object
 * @param extras values by key that are written as they were read, or null
 * @param value  for an element that is not an object (a number in a list of fields), its value;
 *               else null. Values are {@code Map<String, Object>} (ordered), {@code List<Object>},
 *               {@code String}, {@code Long}, {@code BigInteger}, {@code Double}, {@code Boolean}
 *               and {@link Null#NULL}
 */
public record JsonForm(List<String> keys, Map<String, Object> extras, Object value) {

    /** JSON {@code null} among the values (maps and lists of values hold it, never Java null). */
    public enum Null { NULL }

    /** What a model element built in code (not parsed) looks like: these keys, nothing extra. */
    public static JsonForm of(String... keys) {
        return new JsonForm(List.of(keys), null, null);
    }

    /** Whether {@code key} is written from {@link #extras} rather than from the typed model. */
    boolean isExtra(String key) {
        return extras != null && extras.containsKey(key);
    }

    /** Whether the element was not a JSON object. */
    public boolean notAnObject() {
        return value != null;
    }
}
