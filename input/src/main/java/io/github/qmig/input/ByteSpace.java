package io.github.qmig.input;

import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.qcow2.Qcow2Image;
import io.github.qmig.qcow2.Snapshot;
import io.github.qmig.qcow2.VmState;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

/**
 * The bytes {@link MigrationInput} unwraps, layer by layer: the file itself (read at positions,
 * seekable), a snapshot's VM state inside a qcow2 image (read at positions too), or a stream
 * (standard input, or what a decompressor gives), read forward with a mark for peeking. Positions
 * count in this space: file offsets, offsets in the VM state, or bytes from the stream's start.
 */
abstract class ByteSpace {

    /** The current position, in this space's coordinates. */
    protected long position;

    /** Bytes from the current position, at most {@code n}, without consuming them (fewer at the end). */
    abstract byte[] peek(int n) throws IOException;

    /** Consumes up to {@code n} bytes into a new array; fewer only at the end. */
    abstract byte[] read(int n) throws IOException;

    /**
     * Moves {@code n} bytes on; false if a stream ends first (a file's end is found by the reads
     * that follow, which report where it is).
     */
    abstract boolean skip(long n) throws IOException;

    final long position() {
        return position;
    }

    /** The rest of the space as a stream (to decompress it). */
    abstract InputStream rest() throws IOException;

    /** The QEMU stream from here on. */
    abstract ByteSource source(String name) throws IOException;

    /**
     * The QEMU stream of the increment whose header was just skipped: a file's is checked here and
     * now, a stream's while it is read ({@link IncrementStream}).
     */
    abstract ByteSpace increment(IncrementHeader h, String name) throws IOException;

    /** A file, read in place. */
    static final class InFile extends ByteSpace {
        private final FileChannel channel;

        InFile(FileChannel channel) {
            this.channel = channel;
        }

        FileChannel channel() {
            return channel;
        }

        @Override
        byte[] peek(int n) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining() && channel.read(b, position + b.position()) >= 0) {
                // positional reads until full or at the end of the file
            }
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        }

        @Override
        byte[] read(int n) throws IOException {
            if (position + n > channel.size()) { // before allocating: lengths read from files are untrusted
                n = (int) Math.max(0, channel.size() - position);
            }
            byte[] out = peek(n);
            position += out.length;
            return out;
        }

        @Override
        boolean skip(long n) {
            position += n;
            return true;
        }

        @Override
        InputStream rest() throws IOException {
            return Channels.newInputStream(channel.position(position));
        }

        @Override
        ByteSource source(String name) {
            return ByteSource.of(channel, name, position, true);
        }

        @Override
        ByteSpace increment(IncrementHeader h, String name) throws IOException {
            IncrementStream.verify(channel, h, name, position);
            return this;
        }
    }

    /** A snapshot's VM state in a qcow2 image, read in place; the source made of it closes the image. */
    static final class InSnapshot extends ByteSpace {
        private final Qcow2Image image;
        private final Snapshot snapshot;
        private final VmState state;

        InSnapshot(Qcow2Image image, Snapshot snapshot) throws IOException {
            this.image = image;
            this.snapshot = snapshot;
            this.state = image.vmState(snapshot);
        }

        @Override
        byte[] peek(int n) throws IOException {
            byte[] out = new byte[(int) Math.max(0, Math.min(n, state.size() - position))];
            state.copyAt(position, out, 0, out.length);
            return out;
        }

        @Override
        byte[] read(int n) throws IOException {
            byte[] out = peek(n);
            position += out.length;
            return out;
        }

        @Override
        boolean skip(long n) {
            position += n;
            return true;
        }

        @Override
        InputStream rest() {
            throw new IllegalStateException("a VM state is the QEMU stream itself");
        }

        @Override
        ByteSource source(String name) throws IOException {
            return image.source(snapshot, position, true);
        }

        @Override
        ByteSpace increment(IncrementHeader h, String name) {
            throw new IllegalStateException("a VM state is the QEMU stream itself"); // the loop stops at a snapshot
        }
    }

    /** A stream, read forward. */
    static final class InStream extends ByteSpace {
        private final BufferedInputStream in;

        InStream(InputStream in) {
            this(in, 0);
        }

        /** @param position the position of the stream's first byte in the input's coordinates */
        InStream(InputStream in, long position) {
            this.in = new BufferedInputStream(in, 1 << 16);
            this.position = position;
        }

        @Override
        byte[] peek(int n) throws IOException {
            in.mark(n);
            byte[] head = in.readNBytes(n);
            in.reset();
            return head;
        }

        @Override
        byte[] read(int n) throws IOException {
            byte[] out = in.readNBytes(n);
            position += out.length;
            return out;
        }

        @Override
        boolean skip(long n) throws IOException {
            try {
                in.skipNBytes(n);
            } catch (EOFException e) {
                return false;
            }
            position += n;
            return true;
        }

        @Override
        InputStream rest() {
            return in;
        }

        @Override
        ByteSource source(String name) {
            return ByteSource.of(in, name, position);
        }

        @Override
        ByteSpace increment(IncrementHeader h, String name) {
            return new InStream(new IncrementStream(in, h, name, position), position);
        }
    }
}
