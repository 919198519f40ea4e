package io.github.qmig.codec.internal;

import io.github.qmig.codec.io.ByteSource;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Finds the VMDESCRIPTION at the end of a complete file before reading it front to back, so device
 * sections can be delimited by their layout.
 *
 * <p>The record is the last thing in the file: {@code 00 | 06 | be32 L | L bytes "{...}"} with
 * {@code offset_of_06 + 5 + L == file size}. Searching backwards for that exact equation (rather
 * than for the last NUL, as scripts/analyze-migration.py does) cannot be fooled by NUL bytes in
 * the JSON and finds nothing in a file that has no description.
 */
public final class VmDescriptionLocator {

    private static final int CHUNK = 1 << 16;

    private VmDescriptionLocator() {
    }

    /** The JSON bytes, or null if the file does not end with a VMDESCRIPTION. */
    public static byte[] find(ByteSource in, long start, int maxBytes) throws IOException {
        long size = in.size();
        if (size < start + 8) {
            return null;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        in.readAt(size - 1, last);
        if (last.get(0) != '}') {
            return null;
        }
        long lowest = Math.max(start + 8, size - 5L - maxBytes - 1);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK + 6);
        for (long end = size - 6; end >= lowest; end -= CHUNK) {
            long from = Math.max(lowest, end - CHUNK + 1);
            int n = (int) (Math.min(end + 6, size) - from);
            chunk.clear().limit(n);
            in.readAt(from, chunk);
            for (long k = end; k >= from; k--) {
                int i = (int) (k - from);
                if (chunk.get(i) != 0x06 || i + 6 > n) {
                    continue;
                }
                long len = Integer.toUnsignedLong(chunk.getInt(i + 1));
                if (k + 5 + len == size && chunk.get(i + 5) == '{' && precededByEof(in, k)) {
                    byte[] json = new byte[(int) len];
                    in.readAt(k + 5, ByteBuffer.wrap(json));
                    return json;
                }
            }
        }
        return null;
    }

    private static boolean precededByEof(ByteSource in, long k) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        in.readAt(k - 1, b);
        return b.get(0) == 0x00;
    }
}
