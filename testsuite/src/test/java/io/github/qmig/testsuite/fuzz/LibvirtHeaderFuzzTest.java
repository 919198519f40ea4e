package io.github.qmig.testsuite.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.input.LibvirtHeader;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.ramblock.RamSectionCodec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * libvirt save images: the fuzzer writes everything after the 16-byte magic (header fields, data
 * area, then a raw or compressed stream), and the whole input is opened and read as
 * {@code qmig} does. Expected failures: {@link ExpectedFailures}.
 */
class LibvirtHeaderFuzzTest {

    private static final byte[] MAGIC = LibvirtHeader.MAGIC_COMPLETE.getBytes(StandardCharsets.ISO_8859_1);

    @FuzzTest(maxDuration = "10m")
    void image(byte[] data) throws IOException {
        if (data.length > 64 << 10) {
            return;
        }
        byte[] all = new byte[MAGIC.length + data.length];
        System.arraycopy(MAGIC, 0, all, 0, MAGIC.length);
        System.arraycopy(data, 0, all, MAGIC.length, data.length);
        try (MigrationInput in = MigrationInput.ofStream(new ByteArrayInputStream(all), "fuzz", 0, null);
             MigrationReader r = in.reader(RamSectionCodec.defaultOptions())) {
            assertThat(in.libvirt()).isNotNull();
            int n = 0;
            for (MigrationEvent e = r.next(); e != null && n < 1_000_000; e = r.next()) {
                n++;
            }
        } catch (IOException e) {
            ExpectedFailures.check(e, all.length);
        }
    }
}
