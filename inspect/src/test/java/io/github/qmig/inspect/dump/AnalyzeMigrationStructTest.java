package io.github.qmig.inspect.dump;

import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.VmValue;
import io.github.qmig.codec.vmdesc.VmstateDecoder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A decoded struct as scripts/analyze-migration.py shows it. */
class AnalyzeMigrationStructTest {

    @Test
    void repeatedNamesMergeIntoAListAndAOneElementArrayStaysAValue() throws Exception {
        String d = "{'vmsd_name': 'dev', 'version': 3, 'fields': ["
                + "{'name': 'r', 'array_len': 3, 'type': 'uint8', 'size': 1},"
                + "{'name': 's', 'index': 0, 'type': 'struct', 'struct': {'vmsd_name': 'e', 'version': 1,"
                + "  'fields': [{'name': 'x', 'type': 'uint16', 'size': 2}]}, 'size': 2},"
                + "{'name': 's', 'type': 'nullptr', 'size': 1}],"
                + "'subsections': [{'vmsd_name': 'dev/sub', 'version': 2, 'fields': [{'name': 'y', 'type': 'int8', 'size': 1}]}]}";
        byte[] json = ("{\"configuration\": " + d.replace('\'', '"') + "}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.wrap(HexFormat.of().parseHex("0102030007300507" + "6465762f737562" + "00000002ff"));
        VmValue.Struct s = VmstateDecoder.decode(Description.parse(json, ReadLimits.defaults()).configuration(),
                payload, 100, "test", null, 0);
        Map<String, Object> py = AnalyzeMigrationRenderer.struct(s);
        assertThat(py.get("r")).isEqualTo(List.of("0x01", "0x02", "0x03"));
        assertThat(py.get("s")).isEqualTo(List.of(Map.of("x", "0x0007"), "nullptr"));
        assertThat(py.get("dev/sub")).isEqualTo(Map.of("y", "0xff (-1)"));
    }
}
