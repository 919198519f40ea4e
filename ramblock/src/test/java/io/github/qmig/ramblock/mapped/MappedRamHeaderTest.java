package io.github.qmig.ramblock.mapped;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MappedRamHeaderTest {

    /** Offsets QEMU 10.0.2 wrote for a 64 MiB pc guest (format reference, section 8.2). */
    @Test
    void layoutMatchesQemuForPcRam() {
        MappedRamHeader h = MappedRamHeader.layout(0x72, 0x4000000, 4096);
        assertThat(h.bitmapOffset()).isEqualTo(0x8E);
        assertThat(h.pagesOffset()).isEqualTo(0x100000);
        assertThat(MappedRamHeader.bitmapBytes(0x4000000, 4096)).isEqualTo(2048);
        assertThat(MappedRamHeader.layout(0x410001D, 0x20000, 4096).pagesOffset()).isEqualTo(0x4200000);
    }

    @Test
    void offsetsStayAbsoluteWhenTheStreamStartsLater() {
        MappedRamHeader h = MappedRamHeader.layout(0x1234 + 0x72, 0x4000000, 4096);
        assertThat(h.bitmapOffset()).isEqualTo(0x12C2);
        assertThat(h.pagesOffset()).isEqualTo(0x100000);
    }

    @Test
    void bitmapIsWholeSixtyFourBitWords() {
        assertThat(MappedRamHeader.bitmapBytes(4096, 4096)).isEqualTo(8);
        assertThat(MappedRamHeader.bitmapBytes(65 * 4096, 4096)).isEqualTo(16);
    }

    @Test
    void encodesBigEndianTwentyEightBytes() {
        byte[] b = new MappedRamHeader(1, 4096, 0x8E, 0x100000).encode();
        assertThat(b).hasSize(28);
        assertThat(MappedRamHeader.decode(b, 0)).isEqualTo(new MappedRamHeader(1, 4096, 0x8E, 0x100000));
        assertThat(b[3]).isEqualTo((byte) 1);
        assertThat(b[10]).isEqualTo((byte) 0x10);
    }
}
