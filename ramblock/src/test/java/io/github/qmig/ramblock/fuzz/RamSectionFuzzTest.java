package io.github.qmig.ramblock.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.testkit.MemoryChannel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RAM section decoder: the fuzzer writes the bytes after a fixed {@code START ram} header (so
 * every input reaches the RAM codec), plain as a pipe, mapped-ram as a seekable file. Only a
 * {@link MigrationFormatException} inside the input is an acceptable failure.
 */
class RamSectionFuzzTest {

    static final int MAX_INPUT = 64 << 10;

    /** Bytes the fuzzer's input follows: file header, CONFIGURATION, START of section 1 'ram' v4. */
    static byte[] prefix(boolean mappedRam) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(b);
            o.writeInt(0x5145564D);
            o.writeInt(3);
            o.writeByte(0x07);
            byte[] machine = "pc-i440fx-10.0".getBytes(StandardCharsets.US_ASCII);
            o.writeInt(machine.length);
            o.write(machine);
            if (mappedRam) {
                o.writeByte(0x05);
                counted(o, "configuration/capabilities");
                o.writeInt(1);
                o.writeInt(1);
                counted(o, "mapped-ram");
            }
            o.writeByte(0x01);
            o.writeInt(1);
            counted(o, "ram");
            o.writeInt(0);
            o.writeInt(4);
            return b.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void counted(DataOutputStream o, String s) throws IOException {
        o.writeByte(s.length());
        o.writeBytes(s);
    }

    private static final byte[] PLAIN = prefix(false);
    private static final byte[] MAPPED = prefix(true);

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @FuzzTest(maxDuration = "10m")
    void ramPayload(byte[] data) throws IOException {
        if (data.length > MAX_INPUT) {
            return;
        }
        byte[] all = concat(PLAIN, data);
        ByteSource src = ByteSource.of(new ByteArrayInputStream(all), "fuzz", 0, 1 << 16);
        drain(MigrationReader.of(src, RamSectionCodec.defaultOptions()), all.length);
    }

    @FuzzTest(maxDuration = "10m")
    void mappedRam(byte[] data) throws IOException {
        if (data.length > MAX_INPUT) {
            return;
        }
        byte[] all = concat(MAPPED, data);
        ByteSource src = ByteSource.of(new MemoryChannel(all), "fuzz", 0, true);
        drain(MigrationReader.of(src, RamSectionCodec.defaultOptions()), all.length);
    }

    static void drain(MigrationReader reader, int length) throws IOException {
        try (reader) {
            for (MigrationEvent e = reader.next(); e != null; e = reader.next()) {
                if (e instanceof RamPage p) {
                    assertThat(p.pageOffset()).isBetween(0L, p.block().usedLength() - 1);
                    assertThat(p.arrayOffset() + p.length()).isLessThanOrEqualTo(p.array().length);
                } else if (e instanceof MappedRamBlock m) {
                    assertThat(m.header().pagesOffset() + m.block().usedLength()).isPositive();
                }
            }
        } catch (MigrationFormatException e) {
            assertThat(e.offset()).isBetween(0L, (long) length);
            assertThat(e.getMessage()).startsWith("fuzz: ").contains(" at byte 0x");
        }
    }
}
