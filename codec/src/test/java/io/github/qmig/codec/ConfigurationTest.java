package io.github.qmig.codec;

import io.github.qmig.codec.io.ByteSink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationTest {

    /** The first bytes of a QEMU 10.0.2 mapped-ram file (format reference, section 4). */
    private static final String MAPPED_RAM_HEAD = "5145564d00000003" + "070000000e" + "70632d693434306678" + "2d31302e30"
            + "051a" + "636f6e66696775726174696f6e2f6361706162696c6974696573" + "00000001" + "00000001" + "0a"
            + "6d61707065642d72616d" + "00";

    @Test
    void readsAndRewritesTheConfigurationQemuWrote() throws IOException {
        byte[] in = HexFormat.of().parseHex(MAPPED_RAM_HEAD);
        MigrationReader r = MigrationReader.of(new ByteArrayInputStream(in), "head", ReadOptions.defaults());
        FileHeader h = (FileHeader) r.next();
        Configuration c = (Configuration) r.next();
        assertThat(c.machine()).isEqualTo("pc-i440fx-10.0");
        assertThat(c.capabilities()).containsExactly("mapped-ram");
        assertThat(c.offset()).isEqualTo(8);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MigrationWriter w = MigrationWriter.of(ByteSink.of(out));
        w.write(h);
        w.write(c);
        w.write(new EndOfFile(0));
        w.flush();
        assertThat(out.toByteArray()).isEqualTo(in);
    }

    @Test
    void capabilitiesAreReplacedInDeclarationOrderAndDroppedWhenEmpty() {
        Configuration c = new Configuration(8, "virt-10.0", List.of(
                new Configuration.Subsection(Configuration.UUID_NAME, 1, ByteBuffer.allocate(16)),
                new Configuration.Subsection(Configuration.PAGE_BITS, 1, ByteBuffer.allocate(4).putInt(0, 12))));
        Configuration with = c.withCapabilities(List.of("mapped-ram"));
        assertThat(with.subsections()).extracting(Configuration.Subsection::name)
                .containsExactly(Configuration.PAGE_BITS, Configuration.CAPABILITIES, Configuration.UUID_NAME);
        assertThat(with.capabilities()).containsExactly("mapped-ram");
        assertThat(with.targetPageBits()).hasValue(12);
        assertThat(with.withCapabilities(List.of()).subsections()).hasSize(2);
    }

    @Test
    void rejectsVersionTwoAndBadMagicWithTheirOffsets() {
        assertThat(readError("5145564d00000002")).satisfies(e -> {
            assertThat(e.reason()).isEqualTo(MigrationFormatException.Reason.UNSUPPORTED_VERSION);
            assertThat(e.offset()).isEqualTo(4);
        });
        assertThat(readError("514556")).satisfies(e -> assertThat(e.reason()).isEqualTo(MigrationFormatException.Reason.TRUNCATED));
        assertThat(readError("4c6962766972745100000003")).satisfies(e -> {
            assertThat(e.reason()).isEqualTo(MigrationFormatException.Reason.BAD_MAGIC);
            assertThat(e.getMessage()).startsWith("x: not a migration stream").contains("at byte 0x0");
        });
    }

    private static MigrationFormatException readError(String hex) {
        try {
            MigrationReader r = MigrationReader.of(new ByteArrayInputStream(HexFormat.of().parseHex(hex)), "x",
                    ReadOptions.defaults());
            while (r.next() != null) {
                // read on
            }
        } catch (MigrationFormatException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no error for " + hex);
    }
}
