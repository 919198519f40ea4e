package io.github.qmig.transform.extract;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BlockFileNamesTest {

    @Test
    void mapsQemuBlockNamesToSafeUniqueFileNames() {
        assertThat(BlockFileNames.of("pc.ram")).isEqualTo("pc.ram.raw");
        assertThat(BlockFileNames.of("/rom@etc/acpi/tables")).isEqualTo("%2From@etc%2Facpi%2Ftables.raw");
        assertThat(BlockFileNames.of("0000:00:02.0/vga.vram")).isEqualTo("0000%3A00%3A02.0%2Fvga.vram.raw");
        assertThat(BlockFileNames.of("..")).isEqualTo("%2E..raw");
        assertThat(BlockFileNames.of("a/b")).isNotEqualTo(BlockFileNames.of("a_b"));
    }
}
