package io.github.qmig.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.codec.internal.VmDescriptionLayout;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VMDESCRIPTION layout parser on arbitrary JSON bytes: a parse error is an IOException, any
 * other exception is a finding, and every length it derives is -1 or non-negative.
 */
class VmDescriptionFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void layout(byte[] json) {
        if (json.length > MigrationReaderFuzzTest.MAX_INPUT) {
            return;
        }
        VmDescriptionLayout layout;
        try {
            layout = VmDescriptionLayout.parse(json, 1 << 20);
        } catch (IOException e) {
            return;
        }
        for (VmDescriptionLayout.Device d : layout.devices()) {
            assertThat(d.payloadLength()).isGreaterThanOrEqualTo(-1);
            assertThat(d.name()).isNotNull();
        }
    }
}
