package io.github.qmig.snapshots;

import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.StreamDigest;
import io.github.qmig.ramblock.RamBlock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The identity of a saved state's RAM, whatever the file it came from looks like: a stream or
 * mapped-ram, paused or live, with XBZRLE or not, gives the same digest for the same final
 * contents. SHA-256 over
 *
 * <pre>
 * "qmig-state-1" | page size be32 | per block, in order of name:
 *     u8 name length | name | used_length be64 | stream digest of the block's page fingerprints
 * </pre>
 *
 * where a block's page fingerprints ({@link StreamDigest#fingerprint}, a page no record sent
 * being a zero page) are taken as a byte stream of be64 values and digested as a
 * {@link StreamDigest} is (so SHA-256 hashes 8 bytes per 8192 pages, not per page: with the C1
 * compiler that qmig's launcher uses, SHA-256 runs at about 150 MB/s). Device state is left out on
 * purpose: an increment carries all of its save's device state, so what it applies to is the
 * base's RAM alone (a base re-saved with another RTC value takes the same increments).
 */
public final class StateDigest {

    private static final byte[] TAG = "qmig-state-1".getBytes(StandardCharsets.US_ASCII);
    private static final int BATCH = 4096;

    /** Where a page's fingerprint comes from. */
    @FunctionalInterface
    public interface Fingerprints {
        long of(RamBlock block, long index) throws IOException;
    }

    private StateDigest() {
    }

    /** The digest of a state, as 64 hex digits. */
    public static String of(StateView state) throws IOException {
        return of(state.pageSize(), state.blocks(), (b, i) -> state.fingerprint(b.idstr(), i));
    }

    /** The digest of the blocks with these page fingerprints, as 64 hex digits. */
    public static String of(int pageSize, List<RamBlock> blocks, Fingerprints fingerprints) throws IOException {
        MessageDigest sha = StreamDigest.sha256();
        sha.update(TAG);
        ByteBuffer b = ByteBuffer.allocate(8 * BATCH);
        sha.update(b.putInt(0, pageSize).array(), 0, 4);
        List<RamBlock> sorted = new ArrayList<>(blocks);
        sorted.sort(Comparator.comparing(RamBlock::idstr));
        for (RamBlock block : sorted) {
            byte[] name = block.idstr().getBytes(StandardCharsets.ISO_8859_1);
            sha.update((byte) name.length);
            sha.update(name);
            sha.update(b.putLong(0, block.usedLength()).array(), 0, 8);
            StreamDigest pages = new StreamDigest();
            long n = block.usedLength() / pageSize;
            b.clear();
            for (long i = 0; i < n; i++) {
                if (!b.hasRemaining()) {
                    pages.update(b.array(), 0, b.position());
                    b.clear();
                }
                b.putLong(fingerprints.of(block, i));
            }
            pages.update(b.array(), 0, b.position());
            sha.update(pages.digest());
        }
        return IncrementHeader.hex(sha.digest());
    }
}
