package io.github.qmig.codec;

import io.github.qmig.codec.io.ByteSink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Record framings that no QEMU here can write into a file: live VFIO data (needs a device), the old
 * {@code block} migration (removed in QEMU 9.1) and postcopy's PACKAGED command (needs a return
 * path). Each stream is built from the layouts in migration/block.c, hw/vfio/migration.c and
 * migration/savevm.c, then read as a pipe (no VMDESCRIPTION, so device sections are found by
 * scanning) and written back byte for byte.
 */
class FramingWithoutFixturesTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ByteSink out = ByteSink.of(bytes);

    private void header() throws IOException {
        out.writeInt(FileHeader.MAGIC);
        out.writeInt(3);
        out.writeU8(Configuration.TYPE);
        out.writeInt(4);
        out.write("pc-x".getBytes(StandardCharsets.US_ASCII), 0, 4);
    }

    private void fullHeader(int type, int id, String idstr, int version) throws IOException {
        out.writeU8(type);
        out.writeInt(id);
        out.writeCountedString(idstr);
        out.writeInt(0);
        out.writeInt(version);
    }

    private void shortHeader(int type, int id) throws IOException {
        out.writeU8(type);
        out.writeInt(id);
    }

    private void footer(int id) throws IOException {
        out.writeU8(0x7E);
        out.writeInt(id);
    }

    /** A vmstate-like device payload that contains the footer pattern of its own section. */
    private void trickyDevice(int id) throws IOException {
        fullHeader(0x04, id, "tricky", 1);
        out.writeU8(0x7E);
        out.writeInt(id); // a footer followed by no plausible record: device data
        out.writeU8(0x42);
        out.writeInt(0x11223344);
        footer(id);
    }

    private List<MigrationEvent> readAndCheckRoundTrip() throws IOException {
        out.flush();
        byte[] in = bytes.toByteArray();
        List<MigrationEvent> events = new ArrayList<>();
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        MigrationWriter w = MigrationWriter.of(ByteSink.of(again));
        MigrationReader r = MigrationReader.of(new ByteArrayInputStream(in), "built", ReadOptions.defaults());
        for (MigrationEvent e = r.next(); e != null; e = r.next()) {
            events.add(e instanceof SectionData d ? d.copy() : e);
            w.write(e);
        }
        w.flush();
        assertThat(again.toByteArray()).isEqualTo(in);
        return events;
    }

    private static long dataBytes(List<MigrationEvent> events, int sectionId) {
        long n = 0;
        int current = -1;
        for (MigrationEvent e : events) {
            if (e instanceof SectionHeader h) {
                current = h.sectionId();
            } else if (e instanceof SectionData d && current == sectionId) {
                n += d.length();
            }
        }
        return n;
    }

    @Test
    void blockMigrationRecordsUpToEos() throws IOException {
        header();
        fullHeader(0x01, 1, "block", 1);
        out.writeLong(0x02); // EOS: the setup payload is empty
        footer(1);
        shortHeader(0x02, 1);
        out.writeLong(50L << 9 | 0x04); // PROGRESS, 50 %
        out.writeLong(0L << 9 | 0x01); // DEVICE_BLOCK at sector 0 with 1 MiB of data
        out.writeCountedString("drive0");
        byte[] chunk = new byte[1 << 20];
        chunk[0] = 0x7E; // data that looks like a footer must not end the payload
        out.write(chunk, 0, chunk.length);
        out.writeLong(2048L << 9 | 0x01 | 0x08); // DEVICE_BLOCK + ZERO_BLOCK: no data
        out.writeCountedString("drive0");
        out.writeLong(0x02);
        footer(1);
        shortHeader(0x03, 1);
        out.writeLong(0x02);
        footer(1);
        trickyDevice(2);
        out.writeU8(0x00);
        List<MigrationEvent> events = readAndCheckRoundTrip();
        assertThat(dataBytes(events, 1)).isEqualTo(8 + (8 + 8 + 7 + (1 << 20) + 8 + 7 + 8) + 8);
        assertThat(dataBytes(events, 2)).isEqualTo(10);
        assertThat(events.get(events.size() - 1)).isInstanceOf(EndOfFile.class);
    }

    @Test
    void liveVfioDataUpToEndOfState() throws IOException {
        long end = 0xFFFFFFFFEF100001L;
        long setup = 0xFFFFFFFFEF100003L;
        long data = 0xFFFFFFFFEF100004L;
        long initSent = 0xFFFFFFFFEF100005L;
        String id = "0000:00:05.0/vfio";
        header();
        fullHeader(0x01, 7, id, 1);
        out.writeLong(setup);
        out.writeLong(end);
        footer(7);
        shortHeader(0x02, 7);
        out.writeLong(data);
        out.writeLong(16);
        out.writeLong(end); // opaque device data that contains the END_OF_STATE marker
        out.writeLong(0);
        out.writeLong(initSent); // switchover-ack: INIT_DATA_SENT ends this PART
        footer(7);
        shortHeader(0x03, 7);
        out.writeLong(data);
        out.writeLong(3);
        out.write(new byte[] {1, 2, 3}, 0, 3);
        out.writeLong(end);
        footer(7);
        // the device config travels in a FULL section with the same id, found by scanning here
        fullHeader(0x04, 7, id, 1);
        out.writeLong(0xFFFFFFFFEF100002L);
        out.write(new byte[] {9, 9, 9, 9}, 0, 4);
        out.writeLong(end);
        footer(7);
        out.writeU8(0x00);
        List<MigrationEvent> events = readAndCheckRoundTrip();
        long sections = events.stream().filter(e -> e instanceof SectionHeader).count();
        assertThat(sections).isEqualTo(4);
        assertThat(events.stream().filter(e -> e instanceof SectionFooter).count()).isEqualTo(4);
    }

    @Test
    void packagedStreamIsReadAsNestedRecords() throws IOException {
        header();
        out.writeU8(Command.TYPE); // POSTCOPY_ADVISE with the page size summary and target page size
        out.writeU16(3);
        out.writeU16(16);
        out.writeLong(4096 | 2 << 20);
        out.writeLong(4096);
        ByteArrayOutputStream pkg = new ByteArrayOutputStream();
        ByteSink p = ByteSink.of(pkg);
        p.writeU8(Command.TYPE);
        p.writeU16(4); // POSTCOPY_LISTEN
        p.writeU16(0);
        p.writeU8(0x04);
        p.writeInt(3);
        p.writeCountedString("timer");
        p.writeInt(0);
        p.writeInt(2);
        p.write(new byte[24], 0, 24);
        p.writeU8(0x7E);
        p.writeInt(3);
        p.writeU8(Command.TYPE);
        p.writeU16(2); // PING 3
        p.writeU16(4);
        p.writeInt(3);
        p.writeU8(Command.TYPE);
        p.writeU16(5); // POSTCOPY_RUN
        p.writeU16(0);
        p.flush();
        out.writeU8(Command.TYPE);
        out.writeU16(7); // PACKAGED
        out.writeU16(4);
        out.writeInt(pkg.size());
        out.write(pkg.toByteArray(), 0, pkg.size());
        out.writeU8(Command.TYPE);
        out.writeU16(2); // PING 4, after the package
        out.writeU16(4);
        out.writeInt(4);
        out.writeU8(0x00);
        List<MigrationEvent> events = readAndCheckRoundTrip();
        List<String> commands = events.stream().filter(e -> e instanceof Command).map(e -> ((Command) e).name()).toList();
        assertThat(commands).containsExactly("POSTCOPY_ADVISE", "PACKAGED", "POSTCOPY_LISTEN", "PING", "POSTCOPY_RUN", "PING");
        assertThat(dataBytes(events, 3)).isEqualTo(24);
    }
}
