package io.github.qmig.compat.schema;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.compat.TargetException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The -dump-vmstate parser on arbitrary bytes: a schema, or a TargetException; anything else (an
 * unchecked exception, a hang, an exhausted heap) is a finding.
 */
class SchemaFuzzTest {

    private static final int MAX_INPUT = 1 << 16;

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] json) {
        if (json.length > MAX_INPUT) {
            return;
        }
        ReadLimits limits = ReadLimits.builder().maxSchemaNodes(1 << 14).build();
        VmstateSchema s;
        try {
            s = SchemaParser.parse(json, "fuzz.json", limits);
        } catch (TargetException e) {
            assertThat(e.getMessage()).startsWith("fuzz.json: ");
            return;
        }
        for (String name : s.vmsdNames()) {
            assertThat(s.vmsds(name)).isNotEmpty().allMatch(v -> v.name().equals(name));
        }
    }
}
