package io.github.qmig.cli;

import io.github.qmig.testkit.qcow2.Qcow2Fixture;
import io.github.qmig.testkit.qcow2.Qcow2Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real images damaged in their header, snapshot table, L1 and L2 entries (one field each, then
 * random bytes): {@code validate}, {@code info} and {@code convert} must end with exit code 1 and
 * one line naming the file and the offset, in a JVM with a 64 MiB heap (so an allocation sized by
 * the file is an out-of-memory that fails the run), within a time limit (no hang).
 */
class Qcow2DamageTest {

    private static final long HUGE = 1L << 40;

    @TempDir
    Path dir;

    /** A copy of a fixture image, damaged by {@code damage}; {@code code} is validate's expected problem (or null: any). */
    private interface Damage {
        void apply(Qcow2Layout l, Path image) throws IOException;
    }

    private final Map<String, String> expected = new LinkedHashMap<>();
    private final Map<String, Path> bases = new LinkedHashMap<>();

    private void damaged(String name, String fixture, String code, Damage d) throws IOException {
        Path base = bases.computeIfAbsent(fixture, f -> {
            try {
                return Qcow2Fixture.get(f).decompressTo(dir.resolve(f + ".qcow2"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Path image = dir.resolve(name + ".qcow2");
        Files.copy(base, image);
        d.apply(Qcow2Layout.of(image), image);
        expected.put(name, code);
    }

    private static void cut(Path image, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    @Test
    void eachDamagedStructureIsExitOneWithItsOffsetIn64MiB() throws Exception {
        String v3 = "x86-pc-qemu10-v3";
        // header
        damaged("version-4", v3, "qcow2-unsupported", (l, p) -> l.writeInt(4, 4));
        damaged("cluster-bits-30", v3, "qcow2-header-invalid", (l, p) -> l.writeInt(20, 30));
        damaged("header-length-16", v3, "qcow2-header-invalid", (l, p) -> l.writeInt(100, 16));
        damaged("incompatible-bit-7", v3, "qcow2-unsupported", (l, p) -> l.writeLong(72, 1 << 7));
        damaged("crypt-luks", v3, "qcow2-unsupported", (l, p) -> l.writeInt(32, 2));
        damaged("compression-type-5", v3, "qcow2-unsupported", (l, p) -> l.write(104, new byte[] {5}));
        damaged("snapshots-4g", v3, "limit-exceeded", (l, p) -> l.writeInt(60, -1));
        damaged("table-unaligned", v3, "qcow2-header-invalid", (l, p) -> l.writeLong(64, l.snapshotsOffset() + 8));
        damaged("table-past-eof", v3, "truncated", (l, p) -> l.writeLong(64, HUGE));
        damaged("cut-in-header", v3, "truncated", (l, p) -> cut(p, 50));
        // snapshot table
        damaged("extra-data-64k", v3, "qcow2-snapshot-table-invalid", (l, p) -> l.writeInt(l.entries().get(0).offset() + 36, 0xffff));
        damaged("name-past-eof", v3, "truncated", (l, p) -> l.write(l.entries().get(4).offset() + 14, new byte[] {-1, -1}));
        damaged("vm-state-1t", v3, "qcow2-snapshot-table-invalid", (l, p) -> l.writeLong(l.entries().get(0).offset() + 40, HUGE));
        damaged("disk-size-2^63", v3, "qcow2-snapshot-table-invalid",
                (l, p) -> l.writeLong(l.entries().get(0).offset() + 48, Long.MAX_VALUE));
        damaged("l1-size-0", v3, "qcow2-snapshot-table-invalid", (l, p) -> l.writeInt(l.entries().get(0).offset() + 8, 0));
        damaged("l1-unaligned", v3, "qcow2-snapshot-table-invalid",
                (l, p) -> l.writeLong(l.entries().get(0).offset(), l.entries().get(0).l1TableOffset() + 8));
        damaged("l1-past-eof", v3, "truncated", (l, p) -> l.writeLong(l.entries().get(0).offset(), HUGE));
        // L1 and L2 entries of snapshot 1's state
        damaged("l2-table-unaligned", v3, "qcow2-cluster-invalid",
                (l, p) -> l.writeLong(l.l1EntryOffset(0, 0), l.readLong(l.l1EntryOffset(0, 0)) + 0x200));
        damaged("l2-table-past-eof", v3, "truncated", (l, p) -> l.writeLong(l.l1EntryOffset(0, 0), HUGE));
        damaged("l2-table-none", v3, "bad-magic", (l, p) -> l.writeLong(l.l1EntryOffset(0, 0), 0));
        damaged("cluster-unaligned", v3, "qcow2-cluster-invalid",
                (l, p) -> l.writeLong(l.l2EntryOffset(0, 0), l.readLong(l.l2EntryOffset(0, 0)) + 0x200));
        damaged("cluster-past-eof", v3, "truncated", (l, p) -> l.writeLong(l.l2EntryOffset(0, 5L << 16), HUGE));
        damaged("cluster-not-compressed", v3, "qcow2-cluster-invalid",
                (l, p) -> l.writeLong(l.l2EntryOffset(0, 3L << 16), l.readLong(l.l2EntryOffset(0, 3L << 16)) | 1L << 62));
        damaged("cluster-zero-mid-state", v3, null,
                (l, p) -> l.writeLong(l.l2EntryOffset(0, 1L << 16), 1));
        damaged("v2-zero-flag", "x86-pc-qemu10-v2", "qcow2-cluster-invalid",
                (l, p) -> l.writeLong(l.l2EntryOffset(0, 0), l.readLong(l.l2EntryOffset(0, 0)) | 1));
        damaged("subclusters-alloc-and-zero", "x86-pc-qemu10-extl2", "qcow2-cluster-invalid",
                (l, p) -> l.writeLong(l.l2EntryOffset(0, 0) + 8, -1));
        damaged("4k-third-l2-past-eof", "x86-pc-qemu10-4k", "truncated", (l, p) -> l.writeLong(l.l1EntryOffset(0, 4L << 20), HUGE));
        damaged("cut-in-state", "x86-pc-qemu10-2m", "truncated", (l, p) -> cut(p, l.dataOffset(0, 3L << 20)));
        // a table of 33 MiB, beyond ReadLimits.maxQcow2SnapshotTable: refused before it is all read
        damaged("table-33m", v3, "limit-exceeded", (l, p) -> bigTable(l, 520));

        Map<String, List<String>> runs = run();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String image = dir.resolve(e.getKey() + ".qcow2").toString();
            List<String> lines = runs.get(e.getKey());
            assertThat(lines).as(e.getKey()).hasSize(3);
            for (String line : lines) {
                assertThat(line).as(e.getKey()).startsWith("exit 1 ").contains(image)
                        .containsPattern(" at byte 0x[0-9a-f]+");
            }
            if (e.getValue() != null) {
                assertThat(lines.get(0)).as(e.getKey()).contains("[" + e.getValue() + "]");
            }
        }
    }

    @Test
    void aTableOf30MiBOfNamesIsReadIn64MiB() throws Exception {
        damaged("table-30m", "x86-pc-qemu10-v3", null, (l, p) -> bigTable(l, 480));
        List<String> lines = run().get("table-30m");
        assertThat(lines.get(0)).startsWith("exit 0 ").contains("valid");
        assertThat(lines.get(1)).startsWith("exit 0 ").contains("480 internal snapshots");
        assertThat(lines.get(2)).startsWith("exit 0 ");
    }

    @Test
    void randomBytesInTheMetadataNeverCrashOrHang() throws Exception {
        Random random = new Random(20261204);
        for (int i = 0; i < 120; i++) {
            String fixture = i % 3 == 0 ? "x86-pc-qemu10-4k" : i % 3 == 1 ? "x86-pc-qemu10-v3" : "x86-pc-qemu10-extl2";
            damaged("flip-" + i, fixture, null, (l, p) -> {
                List<long[]> regions = List.of(new long[] {0, 112},
                        new long[] {l.snapshotsOffset(), 64 * l.entries().size()},
                        new long[] {l.l1EntryOffset(0, 0), 8},
                        new long[] {l.l2EntryOffset(0, 0), 64L * l.l2EntrySize()});
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    long[] r = regions.get(random.nextInt(regions.size()));
                    l.write(r[0] + random.nextInt((int) r[1]), new byte[] {(byte) random.nextInt(256)});
                }
            });
        }
        Map<String, List<String>> runs = run();
        int failed = 0;
        for (Map.Entry<String, List<String>> e : runs.entrySet()) {
            for (String line : e.getValue()) {
                assertThat(line).as(e.getKey()).matches("(?s)exit [01] .*").doesNotContain("internal error")
                        .doesNotContain("Exception");
                if (line.startsWith("exit 1")) {
                    failed++;
                    assertThat(line).as(e.getKey()).containsPattern(" at byte 0x[0-9a-f]+");
                }
            }
        }
        assertThat(failed).as("damage found at all").isPositive();
    }

    /** Rewrites the table as {@code n} entries with 65,535-byte names (holes): snapshot 1 keeps its state. */
    private static void bigTable(Qcow2Layout l, int n) throws IOException {
        Qcow2Layout.Entry first = l.entries().get(0);
        byte[] head = l.read(first.offset(), 40 + first.extraDataSize());
        long at = 1L << 26; // a cluster-aligned table past the image's end (the gap is a hole)
        long table = at;
        for (int i = 0; i < n; i++) {
            byte[] id = Integer.toString(i + 1).getBytes(StandardCharsets.US_ASCII);
            byte[] e = head.clone();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(e);
            b.putShort(12, (short) id.length).putShort(14, (short) 0xffff);
            if (i > 0) {
                b.putInt(32, 0).putLong(40, 0); // disk-only
            }
            l.write(at, e);
            l.write(at + e.length, id);
            at = (at + e.length + id.length + 0xffff + 7) & ~7L;
        }
        l.write(at, new byte[] {0});
        l.writeInt(60, n);
        l.writeLong(64, table);
    }

    /** Runs validate, info and convert on each damaged image in a child JVM with 64 MiB; per image its 3 result lines. */
    private Map<String, List<String>> run() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), dir.toString()));
        cmd.addAll(expected.keySet());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, List<String>> runs = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                runs.computeIfAbsent(line.substring(0, tab), k -> new ArrayList<>()).add(line.substring(tab + 1));
            }
        }
        return runs;
    }

    /** For each NAME: {@code validate --snapshot 1}, {@code info}, {@code convert}; prints "NAME\texit N output". */
    public static final class Main {
        public static void main(String[] args) {
            Path dir = Path.of(args[0]);
            try {
                for (int i = 1; i < args.length; i++) {
                    String image = dir.resolve(args[i] + ".qcow2").toString();
                    String out = dir.resolve(args[i] + ".out").toString();
                    for (String[] a : List.of(new String[] {"validate", "--snapshot", "1", image},
                            new String[] {"info", image},
                            new String[] {"convert", "--to", "mapped-ram", image + "@1", "-o", out})) {
                        StringWriter o = new StringWriter();
                        StringWriter e = new StringWriter();
                        int code = QmigCli.run(a, new PrintWriter(o), new PrintWriter(e));
                        String text = (o + " " + e).replace('\n', ' ');
                        System.out.println(args[i] + "\texit " + code + " " + text);
                    }
                }
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                System.exit(1);
            }
        }
    }
}
