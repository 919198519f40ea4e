package io.github.qmig.qcow2;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The image file's metadata (header, snapshot table, L1 and L2 entries), read at absolute offsets
 * into small buffers: every read is checked against the file's size before anything is allocated,
 * since a qcow2 image from elsewhere is untrusted input. Errors name the image and the offset in it.
 */
final class ImageFile {

    private final FileChannel channel;
    private final String name;
    private final long size;

    ImageFile(FileChannel channel, String name) throws IOException {
        this.channel = channel;
        this.name = name;
        this.size = channel.size();
    }

    String name() {
        return name;
    }

    /** The file's size when it was opened. */
    long size() {
        return size;
    }

    /**
     * {@code len} bytes at {@code at}, big-endian.
     *
     * @throws MigrationFormatException TRUNCATED if the file ends first; {@code what} names them
     */
    ByteBuffer read(long at, int len, String what) throws IOException {
        if (at < 0 || len < 0 || at > size - len) {
            throw fail(Code.TRUNCATED, Math.min(Math.max(at, 0), size), "%s (%d bytes at 0x%x) lies past the end of "
                    + "the image (%d bytes)", what, len, at, size);
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw fail(Code.TRUNCATED, at + b.position(), "%s: the image ended while it was read", what);
            }
        }
        return b.flip();
    }

    /** The be64 at {@code at}. */
    long readLong(long at, String what) throws IOException {
        return read(at, 8, what).getLong(0);
    }

    /** An error at {@code offset} in the image file. */
    MigrationFormatException fail(Code code, long offset, String format, Object... args) {
        return new MigrationFormatException(code, name, offset, -1, null,
                args.length == 0 ? format : String.format(format, args));
    }
}
