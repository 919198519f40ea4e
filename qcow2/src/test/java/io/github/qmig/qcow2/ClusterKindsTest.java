package io.github.qmig.qcow2;

import com.github.luben.zstd.Zstd;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.testkit.qcow2.Qcow2Fixture;
import io.github.qmig.testkit.qcow2.Qcow2Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster kinds QEMU itself never writes into a VM state, made by rewriting one L2 entry of a
 * real image: a compressed cluster (zlib and zstd, its last sector past the end of the file), and
 * extended L2 subclusters that read as zeros; the state must read as before, or with exactly those
 * bytes zero.
 */
class ClusterKindsTest {

    @TempDir
    Path tmp;

    private static byte[] state(Path image) throws IOException {
        try (Qcow2Image img = Qcow2Image.open(FileChannel.open(image), "image", ReadLimits.defaults())) {
            VmState s = img.vmState(img.snapshots().get(0));
            byte[] all = new byte[(int) s.size()];
            s.copyAt(0, all, 0, all.length);
            return all;
        }
    }

    /** Replaces the first cluster of snapshot 0's state by {@code compressed} appended to the file. */
    private static void compressFirstCluster(Path image, Qcow2Layout l, byte[] compressed) throws IOException {
        long at = Files.size(image) + 100; // not sector-aligned: the descriptor holds a byte offset
        l.write(at, compressed);
        int cb = Integer.numberOfTrailingZeros(l.clusterSize());
        int x = 62 - (cb - 8);
        long sectors = ((at & 511) + compressed.length + 511) / 512;
        l.writeLong(l.l2EntryOffset(0, 0), 1L << 62 | (sectors - 1) << x | at);
    }

    @Test
    void compressedClustersReadAsTheirDataZlibAndZstd() throws IOException {
        for (String name : new String[] {"x86-pc-qemu10-v3", "x86-pc-qemu10-zstd"}) {
            Path image = Qcow2Fixture.get(name).decompressTo(tmp.resolve(name + ".qcow2"));
            byte[] before = state(image);
            Qcow2Layout l = Qcow2Layout.of(image);
            byte[] cluster = l.read(l.dataOffset(0, 0), l.clusterSize());
            byte[] compressed;
            if (name.endsWith("zstd")) {
                compressed = Zstd.compress(cluster, 3);
            } else {
                Deflater d = new Deflater(6, true);
                d.setInput(cluster);
                d.finish();
                byte[] buf = new byte[cluster.length * 2];
                compressed = Arrays.copyOf(buf, d.deflate(buf));
                d.end();
            }
            compressFirstCluster(image, l, compressed);
            assertThat(state(image)).as(name).isEqualTo(before);

            l.write(Files.size(image) - compressed.length + 10, new byte[32]); // damage the compressed data
            assertThatThrownBy(() -> state(image)).isInstanceOf(MigrationFormatException.class)
                    .hasMessageContaining(" bytes, " + (name.endsWith("zstd") ? "zstd" : "zlib") + ") ");
        }
    }

    @Test
    void extendedL2SubclustersReadAsZerosWhereTheBitmapSaysSo() throws IOException {
        Path image = Qcow2Fixture.get("x86-pc-qemu10-extl2").decompressTo(tmp.resolve("e.qcow2"));
        byte[] before = state(image);
        Qcow2Layout l = Qcow2Layout.of(image);
        long bitmap = l.l2EntryOffset(0, 0) + 8;
        assertThat(l.readLong(bitmap)).isEqualTo(0xffff_ffffL);
        l.writeLong(bitmap, 1L << 35 | 0xffff_ffffL & ~(1L << 3)); // subcluster 3 reads as zeros
        byte[] after = state(image);
        int sub = l.clusterSize() / 32;
        Arrays.fill(before, 3 * sub, 4 * sub, (byte) 0);
        assertThat(after).isEqualTo(before);

        l.writeLong(bitmap, 1L << 35 | 0xffff_ffffL); // allocated and zero at once
        assertThatThrownBy(() -> state(image)).isInstanceOf(MigrationFormatException.class)
                .hasMessage("image: invalid subcluster bitmap 0x00000008ffffffff for cluster offset 0x%x (L2 table 0x%x, "
                        + "index 0, L1 index 1 of snapshot 1 's1-paused') at byte 0x%x",
                        l.readLong(bitmap - 8) & 0x00ff_ffff_ffff_fe00L, bitmap - 8, bitmap - 8);
    }
}
