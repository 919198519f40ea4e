package io.github.qmig.inspect.dump;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Python's json.JSONEncoder(indent=4, separators=(',', ': ')) text, checked against python3 3.11 output. */
class PythonJsonTest {

    @Test
    void indentationAndEmptyContainers() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1, "x"));
        m.put("e", List.of());
        m.put("o", Map.of());
        m.put("b", true);
        m.put("n", null);
        // json.dumps({"a": [1, "x"], "e": [], "o": {}, "b": True, "n": None}, indent=4, separators=(',', ': '))
        assertThat(PythonJson.encode(m)).isEqualTo(
                "{\n    \"a\": [\n        1,\n        \"x\"\n    ],\n    \"e\": [],\n    \"o\": {},\n"
                        + "    \"b\": true,\n    \"n\": null\n}");
    }

    @Test
    void ensureAsciiEscapes() {
        // json.dumps("q\"\\\n\t\x01\x7fé😀")
        assertThat(PythonJson.encode("q\"\\\n\t\u0001\u007f\u00e9\ud83d\ude00"))
                .isEqualTo("\"q\\\"\\\\\\n\\t\\u0001\\u007f\\u00e9\\ud83d\\ude00\"");
    }

    @Test
    void floatsAsPythonRepr() {
        assertThat(PythonJson.floatRepr(1.0)).isEqualTo("1.0");
        assertThat(PythonJson.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PythonJson.floatRepr(0.00001)).isEqualTo("1e-05");
        assertThat(PythonJson.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PythonJson.floatRepr(123456789012345.6)).isEqualTo("123456789012345.6");
        assertThat(PythonJson.floatRepr(-2.5e-7)).isEqualTo("-2.5e-07");
    }

    @Test
    void descriptionsKeepKeyOrderAndLastDuplicate() throws Exception {
        // json.loads('{"z": 1, "a": {"k": 1, "k": 2}, "big": 18446744073709551615}', object_pairs_hook=OrderedDict)
        byte[] json = "{\"z\": 1, \"a\": {\"k\": 1, \"k\": 2}, \"big\": 18446744073709551615}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Object tree = io.github.qmig.codec.vmdesc.Description.parse(json, io.github.qmig.codec.ReadLimits.defaults()).toJson();
        assertThat(PythonJson.encode(tree)).isEqualTo(
                "{\n    \"z\": 1,\n    \"a\": {\n        \"k\": 2\n    },\n    \"big\": 18446744073709551615\n}");
    }
}
