package io.github.qmig.inspect.validate;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds small migration streams byte by byte, for tests that need one defect at a time. */
final class TestStreams {

    static final int PAGE = 4096;

    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    static TestStreams header() {
        TestStreams s = new TestStreams();
        s.u32(0x5145564D).u32(3);
        return s;
    }

    TestStreams u8(int v) {
        b.write(v);
        return this;
    }

    TestStreams u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    TestStreams u32(long v) {
        return u16((int) (v >>> 16) & 0xffff).u16((int) v & 0xffff);
    }

    TestStreams u64(long v) {
        return u32(v >>> 32).u32(v & 0xffffffffL);
    }

    TestStreams bytes(byte[] a) {
        b.write(a, 0, a.length);
        return this;
    }

    TestStreams zeros(int n) {
        return bytes(new byte[n]);
    }

    TestStreams counted(String s) {
        byte[] a = s.getBytes(StandardCharsets.ISO_8859_1);
        return u8(a.length).bytes(a);
    }

    TestStreams config(String machine, String... caps) {
        u8(0x07).u32(machine.length()).bytes(machine.getBytes(StandardCharsets.ISO_8859_1));
        if (caps.length > 0) {
            u8(0x05).counted("configuration/capabilities").u32(1).u32(caps.length);
            for (String c : caps) {
                counted(c);
            }
        }
        return this;
    }

    TestStreams config() {
        return config("pc-i440fx-10.0");
    }

    TestStreams start(int id, String name, int instance, int version) {
        return u8(0x01).u32(id).counted(name).u32(instance).u32(version);
    }

    TestStreams full(int id, String name, int instance, int version) {
        return u8(0x04).u32(id).counted(name).u32(instance).u32(version);
    }

    TestStreams part(int id) {
        return u8(0x02).u32(id);
    }

    TestStreams end(int id) {
        return u8(0x03).u32(id);
    }

    TestStreams footer(int id) {
        return u8(0x7e).u32(id);
    }

    TestStreams eos() {
        return u64(0x10);
    }

    TestStreams command(int code) {
        return u8(0x08).u16(code).u16(0);
    }

    /** START ram: MEM_SIZE, one block 'pc.ram' of {@code pages} pages, EOS, footer. */
    TestStreams ramStart(int pages) {
        return start(1, "ram", 0, 4).u64((long) pages * PAGE | 0x04).counted("pc.ram").u64((long) pages * PAGE)
                .eos().footer(1);
    }

    TestStreams zeroPage(long index, boolean cont) {
        u64(index * PAGE | 0x02 | (cont ? 0x20 : 0));
        if (!cont) {
            counted("pc.ram");
        }
        return u8(0);
    }

    TestStreams fullPage(long index, boolean cont) {
        u64(index * PAGE | 0x08 | (cont ? 0x20 : 0));
        if (!cont) {
            counted("pc.ram");
        }
        byte[] page = new byte[PAGE];
        for (int i = 0; i < PAGE; i++) {
            page[i] = (byte) (i * 7 + index);
        }
        return bytes(page);
    }

    TestStreams xbzrle(long index, byte... delta) {
        return u64(index * PAGE | 0x40 | 0x20).u8(1).u16(delta.length).bytes(delta);
    }

    TestStreams eof() {
        return u8(0x00);
    }

    TestStreams vmdesc(String json) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        return u8(0x06).u32(j.length).bytes(j);
    }

    /** The 'timer' device: 24 payload bytes. */
    TestStreams timer(int id) {
        return full(id, "timer", 0, 2).zeros(24).footer(id);
    }

    static final String TIMER_JSON = "{\"page_size\":4096,\"devices\":[{\"name\":\"timer\",\"instance_id\":0,"
            + "\"vmsd_name\":\"timer\",\"version\":2,\"fields\":[{\"name\":\"a\",\"type\":\"int64\",\"size\":8,"
            + "\"array_len\":3}]}]}";

    /** A complete, valid stream: 4 pages (one full, three zero, then an XBZRLE update), a timer, a description. */
    static TestStreams valid() {
        return header().config().ramStart(4)
                .part(1).fullPage(0, false).zeroPage(1, true).zeroPage(2, true).zeroPage(3, true)
                .xbzrle(0, (byte) 0, (byte) 1, (byte) 0x3b).eos().footer(1)
                .command(11).end(1).eos().footer(1).timer(0).eof().vmdesc(TIMER_JSON);
    }

    int size() {
        return b.size();
    }

    byte[] toByteArray() {
        return b.toByteArray();
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(toByteArray());
    }
}
