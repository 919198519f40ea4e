package io.github.qmig.input;

import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.qcow2.SnapshotChoice;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.qcow2.Qcow2Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A snapshot's VM state inside a qcow2 image as a layer of the unwrap loop, with the QEMU image QEMU made. */
class Qcow2InputTest {

    @TempDir
    Path dir;

    private Path image() throws IOException {
        return Qcow2Fixture.get("x86-pc-qemu10-v3").decompressTo(dir.resolve("vm.qcow2"));
    }

    private static MigrationInput open(Object file, String snapshot) throws IOException {
        return file instanceof Path p ? MigrationInput.open(p, 0, ReadLimits.defaults(), snapshot)
                : MigrationInput.open((String) file, 0, ReadLimits.defaults(), snapshot);
    }

    @Test
    void aSnapshotsStateIsTheStreamReadInPlace() throws IOException {
        Path image = image();
        try (MigrationInput in = open(image, "s3-hmp-running")) {
            assertThat(in.kind()).isEqualTo("qcow2");
            assertThat(in.seekable()).isTrue();
            assertThat(in.path()).isEqualTo(image);
            SnapshotChoice c = in.qcow2();
            assertThat(c.snapshot().id()).isEqualTo("3");
            assertThat(in.totalBytes()).isEqualTo(c.snapshot().vmStateSize());
            assertThat(in.source().name()).isEqualTo(image + " (VM state of snapshot 3 's3-hmp-running')");
            assertThat(in.source().ensure(8)).isTrue();
            assertThat(in.source().peekInt(0)).isEqualTo(FileHeader.MAGIC);
        }
    }

    @Test
    void imageAtNameChoosesASnapshotUnlessAFileOfThatNameExists() throws IOException {
        Path image = image();
        try (MigrationInput in = open(image + "@4", null)) {
            assertThat(in.qcow2().snapshot().name()).isEqualTo("s4-qmp-running");
            assertThat(in.name()).isEqualTo(image.toString());
        }
        Path odd = dir.resolve("vm.qcow2@4");
        Files.copy(Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("plain.mig")), odd);
        try (MigrationInput in = open(odd.toString(), null)) {
            assertThat(in.kind()).isEqualTo("plain");
        }
    }

    @Test
    void withoutASnapshotTheImageSaysWhichItHas() throws IOException {
        Path image = image();
        assertThatThrownBy(() -> open(image, null)).isInstanceOf(MigrationFormatException.class)
                .hasMessageStartingWith(image + ": a qcow2 image holds VM states in its internal snapshots only, choose "
                        + "one with --snapshot ID|NAME or " + image + "@NAME")
                .hasMessageContaining("1 's1-paused', 3 's3-hmp-running'");
        assertThatThrownBy(() -> open(image + "@nope", null)).hasMessageContaining("no snapshot has the ID or name 'nope'");
    }

    @Test
    void aSnapshotOfAStreamOrOfACompressedImageIsRefused() throws IOException {
        Path plain = Fixtures.get("x86-pc-128M-paused").decompressTo(dir.resolve("plain.mig"));
        assertThatThrownBy(() -> open(plain, "1")).isInstanceOf(MigrationFormatException.class)
                .hasMessage(plain + ": snapshot '1' asked of an input that is no qcow2 image (it is plain) at byte 0x0");
        Path zst = Qcow2Fixture.get("x86-pc-qemu10-v3").compressed();
        assertThatThrownBy(() -> open(zst, "1")).isInstanceOf(MigrationFormatException.class)
                .hasMessageContaining("a qcow2 image in a zstd wrapper: its VM states are read at random offsets")
                .satisfies(e -> assertThat(((MigrationFormatException) e).code())
                        .isEqualTo(MigrationFormatException.Code.QCOW2_UNSUPPORTED));
    }
}
