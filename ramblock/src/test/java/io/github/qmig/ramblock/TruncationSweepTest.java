package io.github.qmig.ramblock;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.SectionData;
import io.github.qmig.codec.SectionFooter;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.TrailingBytes;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.ramblock.RamBlockEntry;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.mapped.MappedRamBlock;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Cuts real QEMU files at every top-level record boundary (sampled where there are thousands) and
 * at points inside records, and checks that each cut file fails with a TRUNCATED error exactly
 * where the bytes end, except after the EOF record: a cut right after it is a complete stream
 * without its optional VMDESCRIPTION, and a cut inside the VMDESCRIPTION (which QEMU never reads)
 * is a complete stream whose description is said to be cut. A cut is simulated by a channel that reports a smaller size, so no
 * copy is written.
 *
 * <p>Known limit: in a stream without footers whose VMDESCRIPTION is gone (cut off, or never
 * written), device sections are delimited by recognising the next record, and a cut just after a
 * zero byte inside the device state reads as an EOF record. For those streams the sweep only
 * requires that RAM is never cut silently; the validator reports them with {@code footers-absent}
 * and {@code vmdesc-missing}, and {@code --strict} rejects them.
 */
class TruncationSweepTest {

    private static final int HEAD = 30;
    private static final int TAIL = 60;
    private static final int MIDDLE = 20;

    private static Path dir;

    @BeforeAll
    static void tempDir() throws IOException {
        dir = Files.createTempDirectory("qmig-sweep");
    }

    @AfterAll
    static void cleanup() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86-pc-128M-paused", "x86-pc-128M-no-vmdesc", "x86-pc-128M-mapped-ram",
        "x86-pc-128M-mapped-ram-offset", "x86-pc-128M-dirty-bitmaps", "x86-pc-128M-live-xbzrle",
        "x86-pc72-128M-qemu72-compress", "aarch64-virt-128M-loader", "s390x-ccw-128M-loader",
        "ppc64-pseries-256M-loader", "x86-pc-128M-no-footers", "x86-pc14-128M-qemu72"})
    void everyCutIsATruncationAtTheCut(String name) throws IOException {
        Fixture f = Fixtures.get(name);
        long start = f.metadata().uriOffset();
        Path file = f.decompressTo(dir.resolve(name + ".mig"));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            List<Long> boundaries = new ArrayList<>();
            TreeSet<Long> inside = new TreeSet<>();
            long[] lastRamRecord = new long[1];
            long eofEnd = scan(ch, size, start, boundaries, inside, lastRamRecord);
            boolean footerless = name.contains("no-footers") || name.contains("pc14");
            TreeSet<Long> cuts = new TreeSet<>(sample(boundaries));
            for (long b : List.copyOf(cuts)) {
                cuts.add(b + 1);
                cuts.add(b + 3);
            }
            cuts.addAll(inside);
            cuts.removeIf(c -> c <= start || c >= size);
            assertThat(cuts).hasSizeGreaterThan(50);
            int truncated = 0;
            for (long cut : cuts) {
                MigrationEvent[] last = new MigrationEvent[1];
                MigrationFormatException e = read(ch, cut, start, last);
                if (cut == eofEnd) {
                    assertThat(e).as("cut after EOF at 0x%x", cut).isNull();
                    continue;
                }
                if (eofEnd >= 0 && cut > eofEnd && footerless) {
                    continue; // without footers the end of the device state is guessed: see the class comment
                }
                if (eofEnd >= 0 && cut > eofEnd) {
                    // inside the VMDESCRIPTION, which QEMU never reads: complete, and said to be cut
                    assertThat(e).as("cut in the VMDESCRIPTION at 0x%x", cut).isNull();
                    assertThat(last[0]).as("cut in the VMDESCRIPTION at 0x%x", cut)
                            .isInstanceOfSatisfying(TrailingBytes.class, t -> {
                                assertThat(t.kind()).isEqualTo(TrailingBytes.Kind.CUT_DESCRIPTION);
                                assertThat(t.offset()).isEqualTo(eofEnd);
                                assertThat(t.offset() + t.length()).isEqualTo(cut);
                            });
                    continue;
                }
                    if (e == null && footerless && cut > lastRamRecord[0]) {
                    continue; // device state delimited by guessing: see the class comment
                }
                if (e == null) {
                    fail("%s cut at 0x%x (of 0x%x) read as a complete stream", name, cut, size);
                }
                assertThat(e.reason()).as("%s cut at 0x%x: %s", name, cut, e.getMessage())
                        .isEqualTo(MigrationFormatException.Reason.TRUNCATED);
                assertThat(e.offset()).as("%s cut at 0x%x: %s", name, cut, e.getMessage()).isEqualTo(cut);
                truncated++;
            }
            assertThat(truncated).isGreaterThan(50);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Reads the whole file; collects top-level record offsets and offsets inside records. */
    private static long scan(FileChannel ch, long size, long start, List<Long> boundaries, TreeSet<Long> inside,
                             long[] lastRamRecord) throws IOException {
        long eofEnd = -1;
        int pages = 0;
        int data = 0;
        try (MigrationReader r = MigrationReader.of(ByteSource.of(ch, "full", start, false),
                RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof FileHeader || e instanceof Configuration || e instanceof SectionHeader
                        || e instanceof SectionFooter || e instanceof Command || e instanceof VmDescription) {
                    boundaries.add(e.offset());
                    if (e instanceof SectionHeader h && h.idstr().equals("ram")) {
                        lastRamRecord[0] = h.offset();
                    }
                    if (e instanceof SectionHeader h && h.type().hasFullHeader()) {
                        inside.add(e.offset() + 7); // inside the idstr
                    }
                    if (e instanceof VmDescription) {
                        inside.add(e.offset() + 3);
                        inside.add(e.offset() + 100);
                    }
                } else if (e instanceof EndOfFile) {
                    boundaries.add(e.offset());
                    eofEnd = e.offset() + 1;
                } else if (e instanceof RamPage p && pages++ % 1999 == 0) {
                    inside.add(p.offset() + 4);
                    inside.add(p.offset() + 11);
                    inside.add(p.offset() + 1000);
                } else if (e instanceof MappedRamBlock m) {
                    inside.add(m.offset() + 13);
                    inside.add(m.header().bitmapOffset() + 5);
                    inside.add(m.header().pagesOffset() + 4096 + 17);
                    inside.add(m.header().pagesOffset() + m.block().usedLength() - 1);
                } else if (e instanceof RamBlockEntry b) {
                    inside.add(b.offset() + 2);
                } else if (e instanceof SectionData d && d.length() > 2 && data++ % 97 == 0) {
                    inside.add(d.offset() + d.length() / 2);
                }
            }
        }
        boundaries.add(size);
        return eofEnd;
    }

    /** All boundaries if few, else the first HEAD, the last TAIL and MIDDLE spread in between. */
    private static List<Long> sample(List<Long> all) {
        if (all.size() <= HEAD + TAIL + MIDDLE) {
            return all;
        }
        List<Long> out = new ArrayList<>(all.subList(0, HEAD));
        int step = (all.size() - HEAD - TAIL) / MIDDLE;
        for (int i = HEAD; i < all.size() - TAIL; i += step) {
            out.add(all.get(i));
        }
        out.addAll(all.subList(all.size() - TAIL, all.size()));
        return out;
    }

    private static MigrationFormatException read(FileChannel ch, long cut, long start, MigrationEvent[] last)
            throws IOException {
        try (MigrationReader r = MigrationReader.of(ByteSource.of(new Truncated(ch, cut), "cut", start, false),
                RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                last[0] = e;
            }
            return null;
        } catch (MigrationFormatException e) {
            return e;
        }
    }

    /** A read-only view of the first {@code size} bytes of a file. */
    static final class Truncated extends FileChannel {
        private final FileChannel ch;
        private final long size;

        Truncated(FileChannel ch, long size) {
            this.ch = ch;
            this.size = size;
        }

        @Override
        public int read(ByteBuffer dst, long at) throws IOException {
            if (at >= size) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), size - at);
            ByteBuffer d = dst.duplicate();
            d.limit(d.position() + n);
            int r = ch.read(d, at);
            if (r > 0) {
                dst.position(dst.position() + r);
            }
            return r;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        public FileChannel position(long p) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileChannel truncate(long s) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void force(boolean metaData) {
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long s) throws IOException {
            if (position + s > size) {
                throw new IOException("mapping past the cut");
            }
            return ch.map(mode, position, s);
        }

        @Override
        public FileLock lock(long position, long s, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long s, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() {
        }
    }
}
