package io.github.qmig.input.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.MigrationInput;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * qmig increments as the input layer unwraps them: the fuzzer writes everything after the
 * {@code QMIGINCR} magic (header fields, checksum, stream), and the whole input is opened from a
 * pipe and from a file and its stream read to the end. The only acceptable failure is a format
 * error; a header that parses has lengths and digests in range, and encodes back to its bytes.
 */
class IncrementHeaderFuzzTest {

    private static final byte[] MAGIC = "QMIGINCR".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "10m")
    void increment(byte[] data) throws IOException {
        if (data.length > 64 << 10) {
            return;
        }
        byte[] all = new byte[MAGIC.length + data.length];
        System.arraycopy(MAGIC, 0, all, 0, MAGIC.length);
        System.arraycopy(data, 0, all, MAGIC.length, data.length);
        try {
            IncrementHeader h = IncrementHeader.parse(all, all.length, "fuzz");
            assertThat(h.streamLength()).isNotNegative();
            assertThat(h.pages()).isNotNegative();
            assertThat(h.encode()).isEqualTo(java.util.Arrays.copyOf(all, IncrementHeader.SIZE));
        } catch (MigrationFormatException e) {
            return; // the layer refuses it the same way; nothing more to read
        }
        readAll(() -> MigrationInput.ofStream(new ByteArrayInputStream(all), "fuzz", 0, null));
        Path f = Files.createTempFile("qmig-fuzz", ".qinc");
        try {
            Files.write(f, all);
            readAll(() -> MigrationInput.open(f, 0));
        } finally {
            Files.delete(f);
        }
    }

    interface Opener {
        MigrationInput open() throws IOException;
    }

    /**
     * Opens the input and reads its unwrapped stream's bytes to the end: a damaged or cut increment
     * fails as a format error, when opened (a file) or as read (a pipe).
     */
    private static void readAll(Opener opener) throws IOException {
        try (MigrationInput in = opener.open()) {
            assertThat(in.increment()).isNotNull();
            ByteSource s = in.source();
            while (s.ensure(1)) {
                s.skip(Math.min(s.available(), 1 << 16));
            }
        } catch (MigrationFormatException e) {
            // expected for a stream that does not match its header
        }
    }
}
