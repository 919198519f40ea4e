package io.github.qmig.ramblock;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongBinaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A file that another process truncates while qmig reads it (a save being overwritten, a copy
 * restarted). Files are read through mappings, where a page past the file's new end faults
 * (SIGBUS), which the JVM raises as an {@link InternalError}, in compiled code a little after the
 * read: reading records and copying deferred pages must both end in a TRUNCATED error at the new
 * end that names the file. The tail of a partly cut page reads as zeros, not as a fault: what the
 * reader makes of those zeros (an error, or even a complete file) must give way to the same error.
 */
class ShrinkingInputTest {

    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    @Test
    void recordsPastTheNewEndAreATruncationThere() throws IOException {
        assertCutWhileReadingIsATruncation((position, size) -> (position + 16 * PAGE) & -PAGE);
    }

    @Test
    void aCutInsideAPageOfRecordsIsATruncationThere() throws IOException {
        assertCutWhileReadingIsATruncation((position, size) -> ((position + 16 * PAGE) & -PAGE) + 123);
    }

    @Test
    void aCutInsideAPageIsATruncationThereNotItsZeros() throws IOException {
        // inside the VMDESCRIPTION, whose JSON is not parsed while reading: its zeros would read whole
        assertCutWhileReadingIsATruncation((position, size) -> size - 100);
    }

    /**
     * Reads a third of a real file, cuts it where {@code cutAt} says (given the reader's position and
     * the file's size), and reads on: the reader must end in a truncation at the cut.
     */
    private void assertCutWhileReadingIsATruncation(LongBinaryOperator cutAt) throws IOException {
        Path file = Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("vm.mig"));
        long size = Files.size(file);
        try (MigrationReader r = MigrationReader.open(file, RamSectionCodec.defaultOptions())) {
            while (r.position() < size / 3) {
                assertThat(r.next()).isNotNull();
            }
            long cut = cutAt.applyAsLong(r.position(), size);
            truncate(file, cut);

            assertThatThrownBy(() -> readToTheEnd(r))
                    .isInstanceOfSatisfying(MigrationFormatException.class, e -> isShrinkTo(e, file, cut));
        }
    }

    @Test
    void aDeferredPageCopiedPastTheNewEndIsATruncationThere() throws IOException {
        Path file = Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("vm.mig"));
        long size = Files.size(file);
        ByteBuffer out = ByteBuffer.allocateDirect(PAGE);
        long[] cut = {-1};
        try (MigrationReader r = MigrationReader.open(file, RamSectionCodec.defaultOptions())) {
            // as extract and convert do: page payloads are copied by a consumer, after next()
            assertThatThrownBy(() -> r.feed(e -> {
                if (e instanceof RamPage p && p.kind() == RamPage.Kind.PAGE && p.offset() > size / 3) {
                    if (cut[0] < 0) {
                        cut[0] = (p.offset() - PAGE) & -PAGE; // this page's record and payload are gone
                        truncate(file, cut[0]);
                    }
                    p.copyTo(out, 0);
                }
            })).isInstanceOfSatisfying(MigrationFormatException.class, e -> isShrinkTo(e, file, cut[0]));
        }
        assertThat(cut[0]).isPositive();
    }

    @Test
    void aFaultRaisedLaterInTheConsumerIsStillATruncation() throws IOException {
        Path file = Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("vm.mig"));
        long cut = (Files.size(file) / 2) & -PAGE;
        try (MigrationReader r = MigrationReader.open(file, RamSectionCodec.defaultOptions())) {
            // compiled code raises the fault at its next safepoint: anywhere in the consumer
            assertThatThrownBy(() -> r.feed(e -> {
                truncate(file, cut);
                throw new InternalError("a fault occurred in a recent unsafe memory access operation");
            })).isInstanceOfSatisfying(MigrationFormatException.class, e -> isShrinkTo(e, file, cut));
        }
    }

    @Test
    void anInternalErrorWhileTheFileIsWholeIsNotCalledATruncation() throws IOException {
        Path file = Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("vm.mig"));
        InternalError bug = new InternalError("not a fault of the file");
        try (MigrationReader r = MigrationReader.open(file, RamSectionCodec.defaultOptions())) {
            assertThatThrownBy(() -> r.feed(e -> {
                throw bug;
            })).isSameAs(bug);
        }
    }

    private static void readToTheEnd(MigrationReader r) throws IOException {
        while (r.next() != null) {
            // on to the cut
        }
    }

    private static void isShrinkTo(MigrationFormatException e, Path file, long cut) {
        assertThat(e.reason()).isEqualTo(MigrationFormatException.Reason.TRUNCATED);
        assertThat(e.offset()).isEqualTo(cut);
        assertThat(e.getMessage()).startsWith(file.toString()).contains("shrank", "to " + cut + " bytes");
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
