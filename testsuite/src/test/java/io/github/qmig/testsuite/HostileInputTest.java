package io.github.qmig.testsuite;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.inspect.dump.DumpCollector;
import io.github.qmig.inspect.dump.MigrationDump;
import io.github.qmig.inspect.validate.FileValidator;
import io.github.qmig.inspect.validate.Problem;
import io.github.qmig.inspect.validate.ValidateOptions;
import io.github.qmig.inspect.validate.ValidationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files whose lengths are chosen to make a reader allocate or loop: each must end in an ordinary
 * problem, in a JVM with a 64 MiB heap. The files are written here; a child JVM validates them
 * ({@link Main}) and prints one line per file, so an out-of-memory or a crash fails the test.
 */
class HostileInputTest {

    @TempDir
    Path dir;

    @Test
    void hostileLengthsFailCleanlyIn64MiB() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        // 1.4 M fields: beyond the description model's bound on JSON values (ReadLimits), said as such
        write("vmdesc-huge-tree.mig", withVmdesc(bigTree(15 << 20)), expected, "vmdesc-invalid");
        write("vmdesc-huge-string.mig", withVmdesc(bigString(15 << 20)), expected, "vmdesc-invalid");
        // a VMDESCRIPTION longer than the limit, or one longer than the input: QEMU never reads it,
        // so the file is valid (with a warning); the reader stops at the impossible length
        write("vmdesc-length-4g.mig", concat(base(), new byte[] {6, -1, -1, -1, -1, '{'}), expected, "valid");
        write("vmdesc-length-16m-stream.mig.gz", gzip(concat(base(), new byte[] {6, 0, (byte) 0xff, (byte) 0xff, 0, '{'})),
                expected, "valid");
        write("section-ids.mig", manySections(100_000), expected, "limit-exceeded");
        write("ram-huge-blocks.mig", hugeRam(), expected, "ram-page-missing");
        write("mapped-ram-huge-bitmap.mig", mappedRam(1L << 50, 0, 1L << 40), expected, "limit-exceeded");
        write("mapped-ram-offsets-overflow.mig", mappedRam(1L << 20, Long.MAX_VALUE - 8, Long.MAX_VALUE - 4096 + 1),
                expected, "mapped-ram-offset-invalid");
        write("libvirt-data-len.img", libvirt(60 << 20, base()), expected, "truncated");
        write("xz-huge-dictionary.mig.xz", xzWithDictionary(base(), 36), expected, "limit-exceeded");

        String out = child("-Xmx64m", Main.class, expected.keySet());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(out).as(out).contains(dir.resolve(e.getKey()) + " " + e.getValue());
        }
        assertThat(out).contains(dir.resolve("vmdesc-length-4g.mig") + " valid (vmdesc-unread");
        assertThat(out).contains(dir.resolve("vmdesc-length-16m-stream.mig.gz") + " valid (vmdesc-cut");
    }

    @Test
    void aHugeDescriptionTreeIsALimitForDumpNotAnOutOfMemory() throws Exception {
        Files.write(dir.resolve("vmdesc-huge-tree.mig"), withVmdesc(bigTree(15 << 20)));
        // the launcher's heap: the tree of a description this size would need more than 256 MiB
        String out = child("-Xmx256m", DumpMain.class, List.of("vmdesc-huge-tree.mig"));
        // QEMU never reads the description: the file dumps, its devices undecoded, the limit said
        assertThat(out).as(out).contains(dir.resolve("vmdesc-huge-tree.mig") + " ok",
                "VMDESCRIPTION has more than " + ReadLimits.defaults().maxVmDescriptionNodes() + " JSON values");
    }

    /** Runs {@code main} on the named files of {@link #dir} in a JVM with {@code heap}; its output. */
    private String child(String heap, Class<?> main, Iterable<String> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), main.getName()));
        for (String f : files) {
            cmd.add(dir.resolve(f).toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** Dumps each argument; prints "FILE ok" or "FILE REASON message"; exit 1 on anything else. */
    public static final class DumpMain {
        public static void main(String[] args) {
            try {
                for (String f : args) {
                    try (MigrationInput in = MigrationInput.open(f, 0)) {
                        MigrationDump d = DumpCollector.read(in, ReadLimits.defaults());
                        System.out.println(f + " ok" + (d.descriptionError() == null ? "" : " " + d.descriptionError()));
                    } catch (MigrationFormatException e) {
                        System.out.println(f + " " + e.reason() + " " + e.getMessage());
                    }
                }
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                System.exit(1);
            }
        }
    }

    /** Validates each argument; prints "FILE first-error-code" or "FILE valid"; exit 1 on any throwable. */
    public static final class Main {
        public static void main(String[] args) {
            try {
                for (String f : args) {
                    ValidationReport r = FileValidator.validate(f, ValidateOptions.defaults());
                    Problem first = r.firstError();
                    if (r.problems().stream().anyMatch(p -> p.code().equals("internal-error"))) {
                        System.out.println(f + " INTERNAL " + r.problems());
                        System.exit(1);
                    }
                    System.out.println(f + " " + (first == null ? "valid" : first.code()) + " (" + (first == null
                            ? String.join(",", r.problems().stream().map(Problem::code).toList()) : first.describe()) + ")");
                }
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                System.exit(1);
            }
        }
    }

    private void write(String name, byte[] data, Map<String, String> expected, String code) throws IOException {
        Files.write(dir.resolve(name), data);
        expected.put(name, code);
    }

    // ------------------------------------------------------------------ builders

    private static final class Bytes {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        final DataOutputStream o = new DataOutputStream(b);

        Bytes u8(int v) throws IOException {
            o.writeByte(v);
            return this;
        }

        Bytes u32(long v) throws IOException {
            o.writeInt((int) v);
            return this;
        }

        Bytes u64(long v) throws IOException {
            o.writeLong(v);
            return this;
        }

        Bytes str(String s) throws IOException {
            o.writeByte(s.length());
            o.writeBytes(s);
            return this;
        }

        Bytes raw(byte[] a) throws IOException {
            o.write(a);
            return this;
        }

        Bytes header(String... caps) throws IOException {
            u32(0x5145564D).u32(3).u8(7).u32(14).raw("pc-i440fx-10.0".getBytes(StandardCharsets.US_ASCII));
            if (caps.length > 0) {
                u8(5).str("configuration/capabilities").u32(1).u32(caps.length);
                for (String c : caps) {
                    str(c);
                }
            }
            return this;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    /** Header, configuration, one 24-byte 'timer' FULL section, EOF. */
    private static byte[] base() throws IOException {
        return new Bytes().header().u8(4).u32(0).str("timer").u32(0).u32(2).raw(new byte[24]).u8(0x7e).u32(0).u8(0)
                .bytes();
    }

    private static byte[] withVmdesc(byte[] json) throws IOException {
        return new Bytes().raw(base()).u8(6).u32(json.length).raw(json).bytes();
    }

    /** {"devices":[{"name":"a","fields":[{"size":1},... (a tree of millions of nodes)]}]}. */
    private static byte[] bigTree(int size) {
        StringBuilder sb = new StringBuilder(size + 100).append("{\"devices\":[{\"name\":\"a\",\"fields\":[");
        while (sb.length() < size) {
            sb.append("{\"size\":1},");
        }
        return sb.append("{\"size\":1}]}]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bigString(int size) {
        return ("{\"devices\":[{\"name\":\"" + "x".repeat(size) + "\"}]}").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] manySections(int n) throws IOException {
        Bytes b = new Bytes().header();
        for (int i = 0; i < n; i++) {
            b.u8(4).u32(i + 1).str("d").u32(0).u32(1).u8(0x7e).u32(i + 1);
        }
        return b.u8(0).bytes();
    }

    /** A 2^40-byte block with zero pages scattered across 5000 coverage chunks, then EOF. */
    private static byte[] hugeRam() throws IOException {
        long used = 1L << 40;
        Bytes b = new Bytes().header().u8(1).u32(1).str("ram").u32(0).u32(4).u64(used | 4).str("pc.ram").u64(used)
                .u64(0x10).u8(0x7e).u32(1).u8(3).u32(1);
        for (int i = 0; i < 5000; i++) {
            long page = (long) i * 4096 * 13;
            b.u64(page * 4096 | 0x02 | (i > 0 ? 0x20 : 0));
            if (i == 0) {
                b.str("pc.ram");
            }
            b.u8(0);
        }
        return b.u64(0x10).u8(0x7e).u32(1).u8(0).bytes();
    }

    private static byte[] mappedRam(long used, long bitmapOffset, long pagesOffset) throws IOException {
        Bytes b = new Bytes().header("mapped-ram").u8(1).u32(1).str("ram").u32(0).u32(4).u64(used | 4).str("pc.ram")
                .u64(used);
        int at = b.b.size();
        return b.u32(1).u64(4096).u64(bitmapOffset == 0 ? at + 28 : bitmapOffset).u64(pagesOffset == 0 ? 1 << 20 : pagesOffset)
                .raw(new byte[64]).bytes();
    }

    private static byte[] libvirt(int dataLength, byte[] stream) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(92).order(ByteOrder.LITTLE_ENDIAN);
        h.put("LibvirtQemudSave".getBytes(StandardCharsets.US_ASCII)).putInt(2).putInt(dataLength).putInt(1).putInt(0)
                .putInt(0);
        return concat(h.array(), stream);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(b)) {
            o.write(data);
        }
        return b.toByteArray();
    }

    /** An xz file whose LZMA2 block header claims a dictionary of the given size code (36: 1 GiB). */
    private static byte[] xzWithDictionary(byte[] data, int dictCode) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        LZMA2Options o = new LZMA2Options();
        o.setDictSize(LZMA2Options.DICT_SIZE_MIN);
        try (OutputStream x = new XZOutputStream(b, o)) {
            x.write(data);
        }
        byte[] xz = b.toByteArray();
        // block header at 12: size, flags, filter id 0x21, props size 1, dictionary byte, padding, CRC32
        assertThat(xz[14]).isEqualTo((byte) 0x21);
        int headerSize = ((xz[12] & 0xff) + 1) * 4;
        xz[16] = (byte) dictCode;
        CRC32 crc = new CRC32();
        crc.update(xz, 12, headerSize - 4);
        ByteBuffer.wrap(xz, 12 + headerSize - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        return xz;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
