package io.github.qmig.ramblock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class XbzrleTest {

    private static byte[] page(int fill) {
        byte[] p = new byte[4096];
        java.util.Arrays.fill(p, (byte) fill);
        return p;
    }

    @Test
    void appliesTheRecordQemuWroteForAnIncrementedFirstByte() {
        // observed in a QEMU 10 file: zrun 0, nzrun 1, new byte 0x3b
        byte[] p = page(0x3a);
        int end = Xbzrle.decode(new byte[] {0x00, 0x01, 0x3b}, 0, 3, p, 0, 4096);
        assertThat(end).isEqualTo(1);
        assertThat(p[0]).isEqualTo((byte) 0x3b);
        assertThat(p[1]).isEqualTo((byte) 0x3a);
    }

    @Test
    void decodesTwoByteRunLengthsAndSeveralRuns() {
        byte[] p = page(0);
        // zrun 300 (0xac 0x02), nzrun 2 "AB", zrun 10, nzrun 1 "C"
        byte[] d = {(byte) 0xac, 0x02, 0x02, 'A', 'B', 0x0a, 0x01, 'C'};
        assertThat(Xbzrle.decode(d, 0, d.length, p, 0, 4096)).isEqualTo(313);
        assertThat(new String(p, 300, 2, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("AB");
        assertThat(p[312]).isEqualTo((byte) 'C');
        assertThat(p[302]).isZero();
    }

    @Test
    void rejectsWhatQemusDecoderRejects() {
        byte[] p = page(0);
        assertThat(Xbzrle.decode(new byte[] {0x00, 0x00}, 0, 2, p, 0, 4096)).as("empty nzrun").isEqualTo(-1);
        assertThat(Xbzrle.decode(new byte[] {0x00, 0x01, 'x', 0x00, 0x01, 'y'}, 0, 6, p, 0, 4096))
                .as("zero zrun after the first").isEqualTo(-1);
        assertThat(Xbzrle.decode(new byte[] {(byte) 0xff, (byte) 0x80, 0x01, 'x'}, 0, 4, p, 0, 4096))
                .as("three-byte uleb128").isEqualTo(-1);
        assertThat(Xbzrle.decode(new byte[] {(byte) 0x80, 0x20, 0x01, 'x'}, 0, 4, p, 0, 4096))
                .as("run past the page").isEqualTo(-1);
        assertThat(Xbzrle.decode(new byte[] {0x00, 0x05, 'a'}, 0, 3, p, 0, 4096)).as("nzrun past the delta").isEqualTo(-1);
        assertThat(Xbzrle.decode(new byte[] {0x00}, 0, 1, p, 0, 4096)).as("lone byte").isEqualTo(-1);
    }
}
