package io.github.qmig.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.testkit.MemoryChannel;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream reader on arbitrary bytes, as a pipe and as a seekable file (which adds the
 * VMDESCRIPTION lookup and seeking). The only acceptable failure is a
 * {@link MigrationFormatException} inside the input; anything else (another exception, a hang, an
 * out-of-memory) is a finding. Seeds and findings: {@code MigrationReaderFuzzTestInputs/}.
 */
class MigrationReaderFuzzTest {

    static final int MAX_INPUT = 64 << 10;

    @FuzzTest(maxDuration = "10m")
    void readStream(byte[] data) throws IOException {
        if (data.length > MAX_INPUT) {
            return;
        }
        ByteSource src = ByteSource.of(new ByteArrayInputStream(data), "fuzz", 0, 1 << 16);
        drain(MigrationReader.of(src, ReadOptions.defaults()), data.length);
    }

    @FuzzTest(maxDuration = "10m")
    void readFile(byte[] data) throws IOException {
        if (data.length > MAX_INPUT) {
            return;
        }
        ByteSource src = ByteSource.of(new MemoryChannel(data), "fuzz", 0, true);
        MigrationReader reader;
        try {
            reader = MigrationReader.of(src, ReadOptions.defaults());
        } catch (MigrationFormatException e) {
            assertThat(e.offset()).isBetween(0L, (long) data.length);
            return;
        }
        drain(reader, data.length);
    }

    /** Reads every event; a format error must point inside the input. */
    static void drain(MigrationReader reader, int length) throws IOException {
        try (reader) {
            long last = -1;
            for (MigrationEvent e = reader.next(); e != null; e = reader.next()) {
                assertThat(e.offset()).isBetween(0L, (long) length);
                last = e.offset();
            }
            assertThat(last).isGreaterThanOrEqualTo(0);
        } catch (MigrationFormatException e) {
            assertThat(e.offset()).isBetween(0L, (long) length);
            assertThat(e.getMessage()).contains("fuzz: ").contains(" at byte 0x");
        }
    }
}
