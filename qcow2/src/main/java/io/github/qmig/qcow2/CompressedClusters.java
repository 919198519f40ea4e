package io.github.qmig.qcow2;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.github.qmig.codec.MigrationFormatException.Code;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Compressed clusters, decompressed to exactly one cluster as block/qcow2-threads.c does: zlib is
 * raw deflate ({@code qcow2_zlib_decompress}, window bits -12), zstd one or more frames read until
 * the cluster is full ({@code qcow2_zstd_decompress}); the padding of the last sector is ignored.
 * QEMU never compresses VM state (it is written through the plain write path), but a cluster of it
 * may be compressed by another tool. The last cluster decompressed is kept.
 */
final class CompressedClusters {

    private final ImageFile file;
    private final Qcow2Header header;
    private byte[] cluster;
    private long cached = -1;

    CompressedClusters(ImageFile file, Qcow2Header header) {
        this.file = file;
        this.header = header;
    }

    /** The cluster compressed in {@code size} bytes at {@code offset} of the file. */
    byte[] read(long offset, int size) throws IOException {
        if (offset == cached) {
            return cluster;
        }
        cached = -1;
        if (offset >= file.size()) {
            throw file.fail(Code.TRUNCATED, file.size(), "compressed cluster at 0x%x lies past the end of the image",
                    offset);
        }
        // The sectors counted may run past the end of the file: QEMU reads zeros there.
        int present = (int) Math.min(size, file.size() - offset);
        byte[] in = new byte[size];
        ByteBuffer read = file.read(offset, present, String.format("the compressed cluster at 0x%x", offset));
        read.get(in, 0, present);
        if (cluster == null) {
            cluster = new byte[header.clusterSize()];
        }
        int n = header.compressionType() == 1 ? zstd(in) : zlib(in);
        if (n != cluster.length) {
            throw file.fail(Code.QCOW2_CLUSTER_INVALID, offset, "compressed cluster at 0x%x (%d bytes, %s) %s", offset,
                    size, header.compression(), n < 0 ? "does not decompress"
                            : "decompresses to " + n + " bytes, not " + cluster.length);
        }
        cached = offset;
        return cluster;
    }

    private int zlib(byte[] in) throws IOException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(in);
            int n = 0;
            while (n < cluster.length) {
                int r = inflater.inflate(cluster, n, cluster.length - n);
                if (r == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += r;
            }
            return n;
        } catch (DataFormatException e) {
            return -1;
        } finally {
            inflater.end();
        }
    }

    private int zstd(byte[] in) {
        try (ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(in))) {
            return z.readNBytes(cluster, 0, cluster.length);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
