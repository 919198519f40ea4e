package io.github.qmig.codec.fuzz;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.io.ByteSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Hostile inputs larger than a fuzz input can be: a lookahead that reaches past the buffer's
 * capacity near the end of the input must answer "not there", not throw IllegalArgumentException.
 */
class LookaheadAtEndTest {

    private static final int BUFFER = 1 << 16;

    @Test
    void ensureBeyondCapacityAtTheEndOfTheInputIsFalse() throws IOException {
        ByteSource s = ByteSource.of(new ByteArrayInputStream(new byte[BUFFER - 10]), "t", 0, BUFFER);
        assertThat(s.ensure(BUFFER + 5)).isFalse();
        assertThat(s.available()).isEqualTo(BUFFER - 10);
    }

    @Test
    void scanningAFullSectionToTheEndOfALargeInputIsATruncation() throws IOException {
        // a device section without footer or description, delimited by scanning; near the end of the
        // input a byte 0x01 followed by a 255-byte idstr length makes the scanner look 269 bytes
        // ahead, past the buffer
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(b);
        o.writeInt(0x5145564D);
        o.writeInt(3);
        o.writeByte(4);
        o.writeInt(0);
        o.writeByte(5);
        o.writeBytes("timer");
        o.writeInt(0);
        o.writeInt(2);
        int header = b.size();
        byte[] payload = new byte[BUFFER - header - 3 - 20];
        java.util.Arrays.fill(payload, (byte) 0x55);
        payload[payload.length - 12] = 0x01; // START type byte
        payload[payload.length - 7] = (byte) 0xff; // idstr length 255
        o.write(payload);
        byte[] all = b.toByteArray();
        MigrationReader r = MigrationReader.of(ByteSource.of(new ByteArrayInputStream(all), "t", 0, BUFFER),
                ReadOptions.defaults());
        MigrationFormatException e = catchThrowableOfType(MigrationFormatException.class, () -> {
            while (r.next() != null) {
                // read on
            }
        });
        assertThat(e.reason()).isEqualTo(MigrationFormatException.Reason.TRUNCATED);
        assertThat(e.offset()).isEqualTo(all.length);
    }
}
