package io.github.qmig.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where two files differ, byte by byte: for comparing qmig's outputs with what QEMU or libvirt wrote. */
public final class ByteDiff {

    private ByteDiff() {
    }

    /**
     * Offsets where two files differ, up to {@code limit} of them. The shorter file reads as if padded
     * with zeros: compare the sizes too.
     */
    public static List<Long> offsets(Path a, Path b, int limit) throws IOException {
        List<Long> out = new ArrayList<>();
        ByteBuffer x = ByteBuffer.allocate(1 << 20);
        ByteBuffer y = ByteBuffer.allocate(1 << 20);
        try (FileChannel ca = FileChannel.open(a); FileChannel cb = FileChannel.open(b)) {
            long end = Math.max(ca.size(), cb.size());
            for (long pos = 0; pos < end && out.size() < limit; pos += x.capacity()) {
                fill(ca, x, pos);
                fill(cb, y, pos);
                for (int i = 0; i < x.capacity() && out.size() < limit; i++) {
                    int m = x.slice(i, x.capacity() - i).mismatch(y.slice(i, y.capacity() - i));
                    if (m < 0) {
                        break;
                    }
                    i += m;
                    if (pos + i < end) {
                        out.add(pos + i);
                    }
                }
            }
        }
        return out;
    }

    /** Reads a whole buffer from {@code pos}, zeros past the end of the file. */
    private static void fill(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        buf.clear();
        while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) > 0) {
            // positional reads until the buffer is full or the file ends
        }
        while (buf.hasRemaining()) {
            buf.put((byte) 0);
        }
        buf.flip();
    }
}
