package io.github.qmig.qcow2;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.ReadLimits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of a qcow2 image (block/qcow2.h {@code QCowHeader}), validated as
 * block/qcow2.c {@code qcow2_do_open} does, and refused where the VM state cannot be read here.
 * Big-endian:
 *
 * <pre>
 *  0 magic "QFI\xfb"           4 version (2, 3)             8 backing_file_offset   16 backing_file_size
 * 20 cluster_bits (9..21)     24 size (virtual disk bytes) 32 crypt_method (0)      36 l1_size
 * 40 l1_table_offset          48 refcount_table_offset     56 refcount_table_clusters
 * 60 nb_snapshots             64 snapshots_offset          -- version 3 only: --
 * 72 incompatible_features    80 compatible_features       88 autoclear_features    96 refcount_order
 * 100 header_length (v2: 72)  104 compression_type (0 zlib, 1 zstd; if header_length > 104)
 * header_length.. header extensions: be32 magic, be32 length, data padded to 8, up to magic 0
 * </pre>
 *
 * Incompatible features: bit 0 dirty and bit 1 corrupt are read anyway (refcounts do not matter
 * to a reader), bit 3 compression type and bit 4 extended L2 are read, bit 2 (external data file)
 * and unknown bits are refused, as is encryption ({@code crypt_method} 1 AES, 2 LUKS).
 *
 * @param backingFile the backing file's name, or null (its clusters never hold VM state)
 */
public record Qcow2Header(int version, int clusterBits, long size, int cryptMethod, int nbSnapshots,
                          long snapshotsOffset, long incompatibleFeatures, long compatibleFeatures,
                          long autoclearFeatures, int headerLength, int compressionType, String backingFile) {

    static final long DIRTY = 1;
    static final long CORRUPT = 1 << 1;
    static final long DATA_FILE = 1 << 2;
    static final long COMPRESSION = 1 << 3;
    static final long EXTENDED_L2 = 1 << 4;
    private static final long KNOWN = 0x1f;
    private static final int FEATURE_NAMES = 0x6803f857;
    private static final int DATA_FILE_NAME = 0x44415441;
    private static final int V2_LENGTH = 72;

    /** Whether {@code head} starts with the qcow2 magic {@code QFI\xfb}. */
    public static boolean matches(byte[] head, int len) {
        return len >= 4 && head[0] == 'Q' && head[1] == 'F' && head[2] == 'I' && head[3] == (byte) 0xfb;
    }

    public int clusterSize() {
        return 1 << clusterBits;
    }

    public boolean extendedL2() {
        return (incompatibleFeatures & EXTENDED_L2) != 0;
    }

    /** Refcounts may be stale (QEMU did not close the image); harmless for reading. */
    public boolean dirty() {
        return (incompatibleFeatures & DIRTY) != 0;
    }

    /** QEMU found the image inconsistent and opens it read-only only. */
    public boolean corrupt() {
        return (incompatibleFeatures & CORRUPT) != 0;
    }

    /** {@code zlib} or {@code zstd}: how compressed clusters are compressed. */
    public String compression() {
        return compressionType == 1 ? "zstd" : "zlib";
    }

    /** log2 of the entries in one L2 table (one cluster of 8- or 16-byte entries). */
    int l2Bits() {
        return clusterBits - (extendedL2() ? 4 : 3);
    }

    /** log2 of the bytes one L1 entry maps. */
    int l1Shift() {
        return clusterBits + l2Bits();
    }

    static Qcow2Header read(ImageFile f, ReadLimits limits) throws IOException {
        ByteBuffer b = f.read(0, V2_LENGTH, "the qcow2 header");
        int version = b.getInt(4);
        if (version != 2 && version != 3) {
            throw f.fail(Code.QCOW2_UNSUPPORTED, 4, "qcow2 version %s (versions 2 and 3 are read)",
                    Integer.toUnsignedString(version));
        }
        int cb = b.getInt(20);
        if (cb < 9 || cb > 21) {
            throw f.fail(Code.QCOW2_HEADER_INVALID, 20, "cluster size 2^%s (QEMU opens 2^9 to 2^21)",
                    Integer.toUnsignedString(cb));
        }
        int clusterSize = 1 << cb;
        long incompatible = 0;
        long compatible = 0;
        long autoclear = 0;
        int headerLength = V2_LENGTH;
        int compression = 0;
        if (version == 3) {
            ByteBuffer v3 = f.read(V2_LENGTH, 32, "the qcow2 version 3 header");
            incompatible = v3.getLong(0);
            compatible = v3.getLong(8);
            autoclear = v3.getLong(16);
            headerLength = v3.getInt(28);
            if (Integer.compareUnsigned(headerLength, 104) < 0) {
                throw f.fail(Code.QCOW2_HEADER_INVALID, 100, "qcow2 header length %d is too short (at least 104)",
                        headerLength);
            }
            if (Integer.compareUnsigned(headerLength, clusterSize) > 0) {
                throw f.fail(Code.QCOW2_HEADER_INVALID, 100, "qcow2 header length %s exceeds the cluster size %d",
                        Integer.toUnsignedString(headerLength), clusterSize);
            }
            if (headerLength > 104) {
                compression = f.read(104, 1, "the compression type").get(0) & 0xff;
            }
        }
        long backingOffset = b.getLong(8);
        if (backingOffset < 0 || backingOffset > clusterSize) {
            throw f.fail(Code.QCOW2_HEADER_INVALID, 8, "backing file name offset 0x%x lies outside the first cluster",
                    backingOffset);
        }
        long extEnd = backingOffset != 0 ? backingOffset : clusterSize;
        List<String> featureNames = new ArrayList<>();
        String dataFile = extensions(f, headerLength, extEnd, featureNames);
        refuse(f, incompatible, b.getInt(32), compression, featureNames, dataFile);
        if ((incompatible & EXTENDED_L2) != 0 && cb < 14) {
            throw f.fail(Code.QCOW2_HEADER_INVALID, 20, "extended L2 entries need clusters of at least 16 KiB "
                    + "(subclusters of 512 bytes), not 2^%d bytes", cb);
        }
        long size = b.getLong(24);
        if (size < 0) {
            throw f.fail(Code.QCOW2_HEADER_INVALID, 24, "virtual disk size 0x%x beyond 2^63", size);
        }
        long nb = Integer.toUnsignedLong(b.getInt(60));
        if (nb > limits.maxQcow2Snapshots()) {
            throw f.fail(Code.LIMIT_EXCEEDED, 60, "%d snapshots (limit %d)", nb, limits.maxQcow2Snapshots());
        }
        long snapshots = b.getLong(64);
        if (snapshots < 0 || (snapshots & (clusterSize - 1)) != 0) {
            throw f.fail(Code.QCOW2_HEADER_INVALID, 64, "snapshot table offset 0x%x is not cluster-aligned", snapshots);
        }
        return new Qcow2Header(version, cb, size, b.getInt(32), (int) nb, snapshots, incompatible, compatible, autoclear,
                headerLength, compression, backingFile(f, backingOffset, b.getInt(16), clusterSize));
    }

    /** What a reader must refuse (block/qcow2.c {@code qcow2_do_open}, {@code validate_compression_type}). */
    private static void refuse(ImageFile f, long incompatible, int crypt, int compression, List<String> featureNames,
                               String dataFile) throws IOException {
        long unknown = incompatible & ~KNOWN;
        if (unknown != 0) {
            StringBuilder s = new StringBuilder();
            for (int bit = 0; bit < 64; bit++) {
                if ((unknown & (1L << bit)) != 0) {
                    String named = bit < featureNames.size() ? featureNames.get(bit) : null;
                    s.append(s.length() > 0 ? ", " : "").append("bit ").append(bit)
                            .append(named != null ? " '" + named + "'" : "");
                }
            }
            throw f.fail(Code.QCOW2_UNSUPPORTED, 72, "unsupported incompatible qcow2 feature(s): %s", s);
        }
        if ((incompatible & DATA_FILE) != 0) {
            throw f.fail(Code.QCOW2_UNSUPPORTED, 72, "the image has an external data file%s (incompatible feature bit 2):"
                    + " its clusters live in that file, and QEMU makes no internal snapshots in such images",
                    dataFile != null ? " '" + Snapshot.printable(dataFile) + "'" : "");
        }
        if (crypt != 0) {
            throw f.fail(Code.QCOW2_UNSUPPORTED, 32, "the image is encrypted (crypt_method %s): its VM states cannot "
                    + "be read without the key", crypt == 1 ? "1, AES" : crypt == 2 ? "2, LUKS"
                    : Integer.toUnsignedString(crypt));
        }
        if (compression > 1) {
            throw f.fail(Code.QCOW2_UNSUPPORTED, 104, "unknown compression type %d (0 zlib and 1 zstd are read)",
                    compression);
        }
        if ((compression == 1) != ((incompatible & COMPRESSION) != 0)) {
            throw f.fail(Code.QCOW2_HEADER_INVALID, 72, "the compression type incompatible feature bit must %sbe set "
                    + "with compression type %d", compression == 1 ? "" : "not ", compression);
        }
    }

    /**
     * Walks the header extensions in {@code [start, end)} (block/qcow2.c {@code qcow2_read_extensions}),
     * collecting the incompatible features' names; returns the external data file's name, or null.
     * Bytes past the end of the file end the list, as the zeros QEMU reads there would.
     */
    private static String extensions(ImageFile f, long start, long end, List<String> incompatibleNames)
            throws IOException {
        long stop = Math.min(end, f.size());
        if (stop - start < 8) {
            return null;
        }
        ByteBuffer area = f.read(start, (int) (stop - start), "the header extensions");
        String dataFile = null;
        for (int at = 0; at + 8 <= area.limit(); ) {
            int magic = area.getInt(at);
            long len = Integer.toUnsignedLong(area.getInt(at + 4));
            if (magic == 0) {
                break;
            }
            at += 8;
            if (len > end - start - at) {
                throw f.fail(Code.QCOW2_HEADER_INVALID, start + at - 4, "header extension 0x%08x of %d bytes runs past "
                        + "the end of the extension area (0x%x)", magic, len, end);
            }
            int n = (int) Math.min(len, area.limit() - at);
            if (magic == DATA_FILE_NAME) {
                byte[] name = new byte[n];
                area.get(at, name);
                dataFile = new String(name, StandardCharsets.UTF_8);
            } else if (magic == FEATURE_NAMES) {
                for (int e = at; e + 48 <= at + n; e += 48) {
                    int bit = area.get(e + 1) & 0xff;
                    if (area.get(e) == 0 && bit < 64) {
                        while (incompatibleNames.size() <= bit) {
                            incompatibleNames.add(null);
                        }
                        byte[] name = new byte[46];
                        area.get(e + 2, name);
                        incompatibleNames.set(bit, Snapshot.cString(name));
                    }
                }
            }
            at += (int) ((len + 7) & ~7L);
        }
        return dataFile;
    }

    /** The backing file's name, or null: at most 1023 bytes inside the first cluster ({@code qcow2_do_open}). */
    private static String backingFile(ImageFile f, long offset, int length, int clusterSize) throws IOException {
        if (offset == 0) {
            return null;
        }
        if (Integer.compareUnsigned(length, 1023) > 0 || Integer.toUnsignedLong(length) > clusterSize - offset) {
            throw f.fail(Code.QCOW2_HEADER_INVALID, 16, "backing file name of %s bytes (at most 1023, inside the "
                    + "first cluster)", Integer.toUnsignedString(length));
        }
        ByteBuffer name = f.read(offset, length, "the backing file name");
        return new String(name.array(), 0, length, StandardCharsets.UTF_8);
    }
}
