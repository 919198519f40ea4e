package io.github.qmig.input;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The digests of qmig's snapshot sets, computed at the speed of a disk: a 64-bit
 * <b>fingerprint</b> of a run of bytes is its CRC-32C and its CRC-32 side by side (two CRCs of
 * different polynomials: a random change escapes both with probability 2^-64; the JDK computes
 * both with the processor's CRC instructions, 10-20 GB/s, also without the C2 compiler), and a
 * <b>digest</b> is the SHA-256 of a sequence of fingerprints, so SHA-256 hashes 8 bytes per page or
 * per piece instead of every byte. They tell files and states apart and detect damage; they are
 * not a defence against a collision made on purpose.
 *
 * <p>An instance digests a byte stream: SHA-256 over the fingerprints of its consecutive
 * {@value #PIECE}-byte pieces (the last one shorter), then over its length, each as be64.
 */
public final class StreamDigest {

    /** Bytes per fingerprinted piece of a stream. */
    public static final int PIECE = 1 << 16;

    private final CRC32C crc32c = new CRC32C();
    private final CRC32 crc32 = new CRC32();
    private final MessageDigest sha = sha256();
    private final ByteBuffer word = ByteBuffer.allocate(8);
    private int inPiece;
    private long length;

    /** The fingerprint of {@code len} bytes of {@code b} at {@code off}. */
    public static long fingerprint(byte[] b, int off, int len) {
        return new Fingerprinter().of(b, off, len);
    }

    /** Computes fingerprints one after the other without allocating (for a loop over pages). */
    public static final class Fingerprinter {
        private final CRC32C crc32c = new CRC32C();
        private final CRC32 crc32 = new CRC32();

        /** The fingerprint of {@code len} bytes of {@code b} at {@code off}. */
        public long of(byte[] b, int off, int len) {
            crc32c.reset();
            crc32c.update(b, off, len);
            crc32.reset();
            crc32.update(b, off, len);
            return crc32c.getValue() << 32 | crc32.getValue();
        }
    }

    /** A new SHA-256. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Adds {@code len} bytes of {@code b} at {@code off}. */
    public void update(byte[] b, int off, int len) {
        length += len;
        while (len > 0) {
            int n = Math.min(len, PIECE - inPiece);
            crc32c.update(b, off, n);
            crc32.update(b, off, n);
            inPiece += n;
            off += n;
            len -= n;
            if (inPiece == PIECE) {
                endPiece();
            }
        }
    }

    private void endPiece() {
        put(crc32c.getValue() << 32 | crc32.getValue());
        crc32c.reset();
        crc32.reset();
        inPiece = 0;
    }

    private void put(long v) {
        sha.update(word.putLong(0, v).array());
    }

    /** Bytes added so far. */
    public long length() {
        return length;
    }

    /** The digest of everything added (the instance is spent afterwards). */
    public byte[] digest() {
        if (inPiece > 0) {
            endPiece();
        }
        put(length);
        return sha.digest();
    }
}
