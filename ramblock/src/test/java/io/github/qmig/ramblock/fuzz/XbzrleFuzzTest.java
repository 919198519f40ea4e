package io.github.qmig.ramblock.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.ramblock.Xbzrle;
import io.github.qmig.ramblock.ZlibPages;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The XBZRLE delta decoder and zlib page inflation on arbitrary payloads: they answer "invalid"
 * (-1 / false) and never throw, and never write outside the page they were given.
 */
class XbzrleFuzzTest {

    private static final int GUARD = 16;

    @FuzzTest(maxDuration = "10m")
    void decode(FuzzedDataProvider in) {
        int pageLen = in.pickValue(new int[] {512, 1024, 4096, 8192});
        int deltaOff = in.consumeInt(0, 7);
        byte[] delta = in.consumeRemainingAsBytes();
        if (delta.length > 2 * pageLen) {
            return;
        }
        byte[] src = new byte[deltaOff + delta.length];
        System.arraycopy(delta, 0, src, deltaOff, delta.length);
        byte[] page = new byte[GUARD + pageLen + GUARD];
        java.util.Arrays.fill(page, (byte) 0x5a);
        int r = Xbzrle.decode(src, deltaOff, delta.length, page, GUARD, pageLen);
        assertThat(r).isBetween(-1, pageLen);
        for (int i = 0; i < GUARD; i++) {
            assertThat(page[i]).isEqualTo((byte) 0x5a);
            assertThat(page[GUARD + pageLen + i]).isEqualTo((byte) 0x5a);
        }
        if (delta.length == 0) {
            assertThat(r).isZero();
        }
    }

    @FuzzTest(maxDuration = "10m")
    void inflate(byte[] data) {
        if (data.length > 1 << 16) {
            return;
        }
        byte[] page = new byte[GUARD + 4096 + GUARD];
        try (ZlibPages z = new ZlibPages()) {
            z.inflate(data, 0, data.length, page, GUARD, 4096);
        }
        for (int i = 0; i < GUARD; i++) {
            assertThat(page[i]).isZero();
            assertThat(page[GUARD + 4096 + i]).isZero();
        }
    }
}
