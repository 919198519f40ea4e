package io.github.qmig.snapshots.increment;

import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationWriter;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.codec.io.WriteBehind;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.StreamDigest;
import io.github.qmig.output.AtomicOutput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.ramblock.Pages;
import io.github.qmig.ramblock.RamBlock;
import io.github.qmig.snapshots.ChangedPages;
import io.github.qmig.snapshots.PageEvents;
import io.github.qmig.snapshots.PageRecords;
import io.github.qmig.snapshots.SavedState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * {@code qmig delta --base A B -o D}: writes the increment that turns A's state into B's
 * ({@link IncrementHeader}): B's skeleton (configuration, block list, every device section, its
 * VMDESCRIPTION) with only the pages of B whose final content differs from A's, as PAGE records, or
 * ZERO records for those that became zero (never left out: "unchanged" and "now zero" differ).
 * The stream is written behind the header's place, read back for its digest (it is small), and
 * the header written last; the output appears only when complete ({@link AtomicOutput}).
 */
public final class IncrementWriter {

    private IncrementWriter() {
    }

    /** What was written. */
    public record Written(Path file, IncrementHeader header, long bytes) {
    }

    /** Reads A and B (either may be {@code -}) and writes B's increment over A. */
    public static Written delta(String base, String save, Path target, OutputOptions options, ReadLimits limits)
            throws IOException {
        Path temp = tempDir(target);
        SavedState.Options o = SavedState.Options.plain(temp).withLimits(limits).withFingerprints(true);
        try (SavedState a = SavedState.read(base, o); SavedState b = SavedState.read(save, o.withReference(a))) {
            return write(b, a.digest(), target, options, input(base), input(save));
        }
    }

    static Path tempDir(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        return dir == null ? Path.of(".") : dir;
    }

    private static Path input(String file) {
        return file.equals("-") ? null : Path.of(file);
    }

    /**
     * Writes the increment of {@code b} over the reference it was read against, whose digest is
     * {@code baseDigest}; {@code b} must have been read with fingerprints.
     *
     * @param inputs files the output must not replace
     */
    public static Written write(SavedState b, String baseDigest, Path target, OutputOptions options, Path... inputs)
            throws IOException {
        if (b.reference() == null) {
            throw new IllegalArgumentException(b.name() + " was not read against a base");
        }
        if (b.reference().pageSize() != b.pageSize()) {
            throw MigrationFormatException.of(Code.CORRUPT, -1, "%s has %d-byte pages, its base %d-byte pages",
                    b.name(), b.pageSize(), b.reference().pageSize());
        }
        String result = b.digest();
        try (AtomicOutput out = AtomicOutput.create(target, options, inputs)) {
            try {
                FileChannel ch = out.channel();
                long[] pages = new long[1];
                ByteSink sink = ByteSink.of(ch, IncrementHeader.SIZE, false);
                MigrationWriter w = MigrationWriter.of(sink);
                b.skeleton().feed(changedPages(b, sink, pages), w::write);
                w.flush();
                long end = sink.position();
                IncrementHeader h = new IncrementHeader(end - IncrementHeader.SIZE, pages[0], baseDigest, result,
                        digest(ch, IncrementHeader.SIZE, end));
                WriteBehind.writeFully(ch, ByteBuffer.wrap(h.encode()), 0);
                out.commit();
                return new Written(out.target(), h, end);
            } catch (IOException e) {
                throw out.named(e);
            }
        }
    }

    /** The records of B's changed pages, counted in {@code pages[0]}. */
    private static PageEvents changedPages(SavedState b, ByteSink sink, long[] pages) {
        return to -> {
            PageWriter records = new PageWriter(b, sink, to);
            ChangedPages.forEach(b, (block, first, count) -> {
                for (long i = first; i < first + count; i++) {
                    records.write(block, i);
                    pages[0]++;
                }
            });
        };
    }

    /** Writes one page of a state as a PAGE or ZERO record. */
    private static final class PageWriter {
        private final SavedState state;
        private final ByteSink sink;
        private final EventConsumer to;
        private final PageRecords records = new PageRecords();
        private final byte[] page;

        PageWriter(SavedState state, ByteSink sink, EventConsumer to) {
            this.state = state;
            this.sink = sink;
            this.to = to;
            this.page = new byte[state.pageSize()];
        }

        void write(RamBlock block, long index) throws IOException {
            long offset = index * page.length;
            if (state.knownZero(block.idstr(), index)) {
                to.accept(records.zero(sink.position(), block, offset));
                return;
            }
            state.read(block.idstr(), index, page, 0);
            to.accept(Pages.isZero(page, 0, page.length)
                    ? records.zero(sink.position(), block, offset)
                    : records.page(sink.position(), block, offset, page, 0, page.length));
        }
    }

    /** The stream digest of bytes {@code from}..{@code to} of a file. */
    static String digest(FileChannel ch, long from, long to) throws IOException {
        StreamDigest d = new StreamDigest();
        ByteBuffer buf = ByteBuffer.allocate(StreamDigest.PIECE * 4);
        for (long at = from; at < to; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - at));
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new IOException("the increment being written is shorter than written");
            }
            d.update(buf.array(), 0, n);
            at += n;
        }
        return IncrementHeader.hex(d.digest());
    }
}
