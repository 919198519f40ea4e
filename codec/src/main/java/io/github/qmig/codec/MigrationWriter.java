package io.github.qmig.codec;

import io.github.qmig.codec.io.ByteSink;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes {@link MigrationEvent}s in their wire form: the mirror of {@link MigrationReader}, so that
 * writing every event a reader returns reproduces its input byte for byte.
 *
 * <p>The writer checks only what would make its output unreadable (a header first, nothing after
 * the VMDESCRIPTION); misuse is an {@link IllegalStateException}, never a format error.
 * {@link #close()} flushes; it writes nothing on its own, so output cut short by a failure stays
 * visibly incomplete.
 */
public final class MigrationWriter implements Closeable {

    private final ByteSink out;
    private boolean headerWritten;
    private boolean finished;

    private MigrationWriter(ByteSink out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** A writer over a sink; closing the writer closes the sink. */
    public static MigrationWriter of(ByteSink out) {
        return new MigrationWriter(out);
    }

    public ByteSink sink() {
        return out;
    }

    public void write(MigrationEvent e) throws IOException {
        if (finished && !(e instanceof TrailingBytes)) {
            throw new IllegalStateException("event after the VMDESCRIPTION: " + e);
        }
        if (!headerWritten && !(e instanceof FileHeader)) {
            throw new IllegalStateException("the file header must come first, not " + e);
        }
        if (e instanceof FileHeader h) {
            if (headerWritten) {
                throw new IllegalStateException("second file header");
            }
            headerWritten = true;
            out.writeInt(FileHeader.MAGIC);
            out.writeInt(h.version());
        } else if (e instanceof Configuration c) {
            ConfigurationCodec.write(c, out);
        } else if (e instanceof SectionHeader h) {
            out.writeU8(h.type().code());
            out.writeInt(h.sectionId());
            if (h.type().hasFullHeader()) {
                out.writeCountedString(h.idstr());
                out.writeInt(h.instanceId());
                out.writeInt(h.version());
            }
        } else if (e instanceof SectionData d) {
            out.write(d.bytes().duplicate());
        } else if (e instanceof SectionFooter f) {
            out.writeU8(SectionFooter.TYPE);
            out.writeInt(f.sectionId());
        } else if (e instanceof Command c) {
            out.writeU8(Command.TYPE);
            out.writeU16(c.code());
            out.writeU16(c.data().remaining());
            out.write(c.data().duplicate());
        } else if (e instanceof SectionEnd || e instanceof TrailingBytes) {
            return; // a position, or bytes QEMU never reads
        } else if (e instanceof EndOfFile) {
            out.writeU8(EndOfFile.TYPE);
        } else if (e instanceof VmDescription v) {
            out.writeU8(VmDescription.TYPE);
            out.writeInt(v.length());
            out.write(v.json());
            finished = true;
        } else {
            ((BodyEvent) e).writeTo(out);
        }
    }

    /** Writes a VMDESCRIPTION from text. */
    public void writeVmDescription(String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        write(new VmDescription(out.position(), ByteBuffer.wrap(b)));
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
