package io.github.qmig.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DescriptionWriter;
import io.github.qmig.codec.vmdesc.DeviceEntry;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VMDESCRIPTION parser on arbitrary JSON bytes: a parse error is a MigrationFormatException,
 * any other exception is a finding; every length it derives is -1 or non-negative; and what it
 * writes back parses to the same model.
 */
class VmDescriptionFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void layout(byte[] json) throws MigrationFormatException {
        if (json.length > MigrationReaderFuzzTest.MAX_INPUT) {
            return;
        }
        ReadLimits limits = ReadLimits.defaults().withMaxVmDescription(1 << 20);
        Description d;
        try {
            d = Description.parse(json, limits);
        } catch (MigrationFormatException e) {
            return;
        }
        for (DeviceEntry e : d.devices()) {
            assertThat(e.payloadLength()).isGreaterThanOrEqualTo(-1);
            assertThat(e.name()).isNotNull();
        }
        byte[] again = DescriptionWriter.qemuText(d.toJson()).getBytes(StandardCharsets.UTF_8);
        Description d2 = Description.parse(again, limits);
        assertThat(DescriptionWriter.qemuText(d2.toJson())).isEqualTo(new String(again, StandardCharsets.UTF_8));
    }
}
