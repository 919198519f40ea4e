package io.github.qmig.input;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The header of a qmig increment (docs/snapshots.md): a QEMU stream that holds only the pages of a
 * save B that differ from its base A (as PAGE and ZERO records), with all of B's block list,
 * device state and VMDESCRIPTION, behind this header. Integers are big-endian.
 *
 * <pre>
 *   0  magic[8]       "QMIGINCR"
 *   8  version        be32  1
 *  12  header length  be32  136: the QEMU stream starts right after
 *  16  stream length  be64  bytes of the QEMU stream; nothing follows it
 *  24  pages          be64  page records in the stream
 *  32  base[32]       state digest of A: what the increment applies to
 *  64  result[32]     state digest of B: what applying it gives
 *  96  stream[32]     stream digest of the QEMU stream's bytes ({@link StreamDigest})
 * 128  checksum       be32  CRC-32C of bytes 0..127
 * 132  reserved[4]    zero
 * </pre>
 *
 * Digests are kept as 64 lowercase hex digits. The magic keeps QEMU from loading an increment by
 * mistake as a whole save (it expects {@code QEVM}); {@code qmig apply} rebuilds the save.
 */
public record IncrementHeader(long streamLength, long pages, String base, String result, String streamDigest) {

    public static final int SIZE = 136;
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "QMIGINCR".getBytes(StandardCharsets.US_ASCII);
    private static final int CHECKED = 128;
    private static final HexFormat HEX = HexFormat.of();

    public IncrementHeader {
        if (streamLength < 0 || pages < 0) {
            throw new IllegalArgumentException("negative length");
        }
        checkDigest(base);
        checkDigest(result);
        checkDigest(streamDigest);
    }

    private static void checkDigest(String d) {
        if (d == null || d.length() != 64 || !d.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("not a SHA-256 digest in hex: " + d);
        }
    }

    /** Whether the first bytes are an increment's magic. */
    public static boolean matches(byte[] head, int len) {
        return len >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** A digest as this header keeps it. */
    public static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    /** The first 12 hex digits, as listings show a digest. */
    public static String shortForm(String digest) {
        return digest.substring(0, 12);
    }

    /**
     * Parses a header.
     *
     * @param h      at least {@link #SIZE} bytes, or fewer when the input ends first
     * @param source the input's name, for errors
     * @throws MigrationFormatException TRUNCATED if cut short, INCREMENT_DAMAGED if its checksum
     *         does not match, UNSUPPORTED_VERSION for another version or header length
     */
    public static IncrementHeader parse(byte[] h, int len, String source) throws MigrationFormatException {
        if (len < SIZE) {
            throw new MigrationFormatException(Code.TRUNCATED, source, len, 0, null, "increment header cut short");
        }
        ByteBuffer b = ByteBuffer.wrap(h, 0, SIZE);
        CRC32C crc = new CRC32C();
        crc.update(h, 0, CHECKED);
        if ((int) crc.getValue() != b.getInt(CHECKED)) {
            throw new MigrationFormatException(Code.INCREMENT_DAMAGED, source, CHECKED, 0, null,
                    "increment header checksum does not match its bytes: the increment is damaged");
        }
        int version = b.getInt(8);
        if (version != VERSION) {
            throw new MigrationFormatException(Code.UNSUPPORTED_VERSION, source, 8, 0, null,
                    "increment version " + Integer.toUnsignedLong(version) + " (this qmig reads version 1)");
        }
        int length = b.getInt(12);
        if (length != SIZE || b.getInt(132) != 0) {
            throw new MigrationFormatException(Code.UNSUPPORTED_VERSION, source, 12, 0, null,
                    "increment header of " + Integer.toUnsignedLong(length) + " bytes with reserved bits set (version 1 has 136)");
        }
        long stream = b.getLong(16);
        long pages = b.getLong(24);
        if (stream < 0 || pages < 0) {
            throw new MigrationFormatException(Code.CORRUPT, source, stream < 0 ? 16 : 24, 0, null,
                    "increment header with a negative length");
        }
        return new IncrementHeader(stream, pages, hex(h, 32), hex(h, 64), hex(h, 96));
    }

    private static String hex(byte[] h, int at) {
        return HEX.formatHex(h, at, at + 32);
    }

    /** The header's bytes. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(MAGIC).putInt(VERSION).putInt(SIZE).putLong(streamLength).putLong(pages);
        b.put(HEX.parseHex(base)).put(HEX.parseHex(result)).put(HEX.parseHex(streamDigest));
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, CHECKED);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
