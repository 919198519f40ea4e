package io.github.qmig.codec;

import io.github.qmig.codec.MigrationFormatException.Reason;
import io.github.qmig.codec.internal.BoundaryScanner;
import io.github.qmig.codec.internal.OldStyleFramers;
import io.github.qmig.codec.internal.PayloadFramer;
import io.github.qmig.codec.internal.StreamState;
import io.github.qmig.codec.internal.VmDescriptionLayout;
import io.github.qmig.codec.internal.VmDescriptionLocator;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Pull reader for the QEMU migration stream, format v3: one {@link MigrationEvent} per call, in
 * file order, null at the end. Works on pipes (no seeking needed); on a file it seeks over data it
 * is asked to skip and reads a trailing VMDESCRIPTION first to delimit device sections exactly.
 *
 * <p>Top-level loop as in migration/savevm.c {@code qemu_loadvm_state_main}: header, optional
 * CONFIGURATION, then START/PART/END/FULL sections (each optionally followed by a footer) and
 * commands up to EOF, then an optional VMDESCRIPTION that must end the input. Section payloads are
 * decoded by a registered {@link SectionBodyCodec} (RAM), framed exactly by their own records
 * (dirty bitmaps, htab, s390, VFIO, block), delimited by the VMDESCRIPTION layout (vmstate devices)
 * or, without one, by {@linkplain BoundaryScanner footer and header scanning}.
 *
 * <p>Not thread-safe. Events that hold views ({@link SectionData}, RAM pages) are valid until the
 * next call to {@link #next()}.
 */
public final class MigrationReader implements Closeable, BodyContext {

    /**
     * Distinct section ids one stream may use. QEMU gives one id per registered savevm handler (a
     * few hundred even for large machines); the bound keeps the id table small on hostile input.
     */
    public static final int MAX_SECTION_IDS = 1 << 16;

    private enum State { HEADER, RECORDS, BODY, AFTER_BODY, AFTER_EOF, AFTER_DESCRIPTION, DONE }

    private final ByteSource in;
    private final ReadOptions options;
    private final List<SectionBodyCodec> codecs = new ArrayList<>();
    private final Map<Integer, SectionRef> sections = new HashMap<>();
    private final Set<Integer> live = new HashSet<>();
    private final Tracker tracker = new Tracker();
    private VmDescriptionLayout layout;
    private int fullCount;

    private State state = State.HEADER;
    private boolean recordsSeen;
    private Boolean footers;
    private Configuration configuration;
    private Command advise;
    private long packageEnd = -1;
    private int pageSize;

    private SectionHeader current;
    private SectionBody body;

    private MigrationReader(ByteSource in, ReadOptions options) throws IOException {
        this.in = in;
        this.options = options;
        for (Supplier<? extends SectionBodyCodec> f : options.codecs()) {
            codecs.add(f.get());
        }
        if (options.useVmDescription() && in.isSeekable()) {
            byte[] json = VmDescriptionLocator.find(in, in.position(), options.limits().maxVmDescription());
            if (json != null) {
                try {
                    layout = VmDescriptionLayout.parse(json, options.limits().maxVmDescription());
                } catch (IOException e) {
                    layout = null; // a broken description is reported when the reader reaches it
                }
            }
        }
    }

    /** A reader of a file; it owns and closes the file. */
    public static MigrationReader open(Path file, ReadOptions options) throws IOException {
        return open(file, 0, options);
    }

    /** A reader of a stream that starts at {@code offset} in a file (e.g. {@code file:PATH,offset=N}). */
    public static MigrationReader open(Path file, long offset, ReadOptions options) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new MigrationReader(ByteSource.of(ch, file.toString(), offset, true), options);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A reader of a stream; closing the reader does not close {@code in}. */
    public static MigrationReader of(InputStream in, String name, ReadOptions options) throws IOException {
        return new MigrationReader(ByteSource.of(in, name, 0), options);
    }

    /** A reader of a prepared source (e.g. after a wrapper header); closing the reader closes it. */
    public static MigrationReader of(ByteSource in, ReadOptions options) throws IOException {
        return new MigrationReader(in, options);
    }

    /**
     * The next event, or null after the last one.
     *
     * @throws MigrationFormatException for input that is not a valid migration stream, or a file
     *         that shrank while it was read
     */
    public MigrationEvent next() throws IOException {
        MigrationEvent e;
        try {
            e = advance();
        } catch (InternalError fault) {
            throw in.shrank(fault); // a mapped page past a new end of the file: see ByteSource.shrank
        } catch (MigrationFormatException bad) {
            MigrationFormatException shrunk = in.shrunk(); // zeros of a partly cut page, read as bytes
            if (shrunk == null) {
                throw bad;
            }
            shrunk.addSuppressed(bad);
            throw shrunk;
        }
        if (e == null) {
            MigrationFormatException shrunk = in.shrunk();
            if (shrunk != null) {
                throw shrunk;
            }
        }
        return e;
    }

    private MigrationEvent advance() throws IOException {
        while (true) {
            switch (state) {
                case HEADER:
                    return readHeader();
                case RECORDS: {
                    MigrationEvent e = readRecord();
                    if (e != null) {
                        return e;
                    }
                    break;
                }
                case BODY: {
                    MigrationEvent e = body.next();
                    if (e != null) {
                        return e;
                    }
                    body = null;
                    state = State.AFTER_BODY;
                    break;
                }
                case AFTER_BODY: {
                    MigrationEvent e = readFooter();
                    if (e != null) {
                        return e;
                    }
                    break;
                }
                case AFTER_EOF:
                    return readAfterEof();
                case AFTER_DESCRIPTION:
                    if (!in.atEnd()) {
                        throw in.fail(Reason.CORRUPT, in.position(), "data after the VMDESCRIPTION");
                    }
                    state = State.DONE;
                    return null;
                default:
                    return null;
            }
        }
    }

    private MigrationEvent readHeader() throws IOException {
        long at = in.position();
        in.setContext(null, at);
        if (!in.ensure(4)) {
            throw in.fail(Reason.TRUNCATED, at + in.available(), "input too short for a migration stream header");
        }
        int magic = in.readInt();
        if (magic != FileHeader.MAGIC) {
            throw in.fail(Reason.BAD_MAGIC, at, "not a migration stream: magic 0x%08x (expected 0x5145564d 'QEVM')", magic);
        }
        int version = in.readInt();
        if (version == FileHeader.VERSION_COMPAT) {
            throw in.fail(Reason.UNSUPPORTED_VERSION, at + 4, "stream version 2 is obsolete (QEMU reads only version 3)");
        }
        if (version != FileHeader.VERSION) {
            throw in.fail(Reason.UNSUPPORTED_VERSION, at + 4, "unsupported stream version %d (expected 3)", version);
        }
        state = State.RECORDS;
        return new FileHeader(at, version);
    }

    private MigrationEvent readRecord() throws IOException {
        long at = in.position();
        if (packageEnd >= 0 && at >= packageEnd) {
            if (at > packageEnd) {
                throw in.fail(Reason.CORRUPT, packageEnd, "a record crosses the end of the PACKAGED stream");
            }
            packageEnd = -1;
        }
        in.setContext(null, at);
        int type = in.peek(0);
        if (type < 0) {
            throw in.fail(Reason.TRUNCATED, at, "input ends before the EOF record");
        }
        boolean first = !recordsSeen;
        recordsSeen = true;
        switch (type) {
            case Configuration.TYPE:
                if (!first) {
                    throw in.fail(Reason.CORRUPT, at, "CONFIGURATION record not right after the file header");
                }
                return readConfiguration(at);
            case 0x01:
            case 0x02:
            case 0x03:
            case 0x04:
                return readSectionHeader(at, SectionType.of(type));
            case Command.TYPE:
                return readCommand(at);
            case EndOfFile.TYPE:
                in.skip(1);
                state = State.AFTER_EOF;
                return new EndOfFile(at);
            case SectionFooter.TYPE:
                throw in.fail(Reason.CORRUPT, at, "section footer where a record should start");
            case VmDescription.TYPE:
                throw in.fail(Reason.CORRUPT, at, "VMDESCRIPTION before the EOF record");
            default:
                throw in.fail(Reason.CORRUPT, at, "unknown record type 0x%02x", type);
        }
    }

    private Configuration readConfiguration(long at) throws IOException {
        Configuration c = ConfigurationCodec.read(in, at, options.limits());
        configuration = c;
        return c;
    }

    private SectionHeader readSectionHeader(long at, SectionType type) throws IOException {
        in.skip(1);
        int id = in.readInt();
        SectionRef ref;
        if (type.hasFullHeader()) {
            String idstr = in.readCountedString();
            if (idstr.isEmpty()) {
                throw in.fail(Reason.CORRUPT, at + 5, "section with an empty idstr");
            }
            int instance = in.readInt();
            int version = in.readInt();
            if (sections.size() >= MAX_SECTION_IDS && !sections.containsKey(id)) {
                throw in.fail(Reason.LIMIT_EXCEEDED, at + 1, "more than %d distinct section ids", MAX_SECTION_IDS);
            }
            ref = new SectionRef(id, idstr, instance, version, at);
            sections.put(id, ref);
            if (type == SectionType.START) {
                live.add(id);
            }
        } else {
            ref = sections.get(id);
            if (ref == null) {
                throw in.fail(Reason.CORRUPT, at + 1, "%s for section id %d, which no START opened", type,
                        Integer.toUnsignedLong(id));
            }
            if (type == SectionType.END) {
                live.remove(id);
            }
        }
        SectionHeader header = new SectionHeader(at, type, ref);
        in.setContext(ref, at);
        current = header;
        body = openBody(header);
        state = State.BODY;
        return header;
    }

    private SectionBody openBody(SectionHeader h) throws IOException {
        for (SectionBodyCodec c : codecs) {
            SectionBody b = c.open(h, this);
            if (b != null) {
                return b;
            }
        }
        if (h.idstr().equals("ram")) {
            throw in.fail(Reason.CORRUPT, h.offset(), "no codec for RAM sections is registered with this reader");
        }
        PayloadFramer framer = null;
        if (h.type() == SectionType.FULL) {
            framer = layoutFramer(h, fullCount++);
        }
        if (framer == null) {
            framer = OldStyleFramers.forSection(h.idstr(), h.type());
        }
        if (framer == null) {
            framer = new BoundaryScanner(h.sectionId(), tracker);
        }
        return new FramedBody(in, framer);
    }

    /** The VMDESCRIPTION's length for the k-th FULL section, checked against the footer when visible. */
    private PayloadFramer layoutFramer(SectionHeader h, int k) throws IOException {
        if (layout == null || k >= layout.devices().size()) {
            return null;
        }
        VmDescriptionLayout.Device d = layout.devices().get(k);
        if (!d.name().equals(h.idstr()) || d.instanceId() != Integer.toUnsignedLong(h.instanceId())
                || d.payloadLength() < 0) {
            return null;
        }
        long len = d.payloadLength();
        if (footers == Boolean.TRUE && len + 5 <= in.capacity()) {
            if (!in.ensure((int) len + 5) || in.peek((int) len) != SectionFooter.TYPE
                    || in.peekInt((int) len + 1) != h.sectionId()) {
                return null; // description and stream disagree: fall back to scanning
            }
        }
        return new PayloadFramer() {
            private boolean done;

            @Override
            public long next(ByteSource src) {
                if (done) {
                    return 0;
                }
                done = true;
                return len;
            }
        };
    }

    private MigrationEvent readFooter() throws IOException {
        long at = in.position();
        int b = in.peek(0);
        if (b == SectionFooter.TYPE) {
            in.skip(1);
            int id = in.readInt();
            if (id != current.sectionId()) {
                throw in.fail(Reason.CORRUPT, at + 1, "footer names section id %d, expected %d",
                        Integer.toUnsignedLong(id), Integer.toUnsignedLong(current.sectionId()));
            }
            footers = Boolean.TRUE;
            state = State.RECORDS;
            in.setContext(null, in.position());
            return new SectionFooter(at, id);
        }
        if (footers == Boolean.TRUE) {
            throw in.fail(b < 0 ? Reason.TRUNCATED : Reason.CORRUPT, at,
                    b < 0 ? "input ends where the section footer should be" : "missing section footer (found 0x%02x)", b);
        }
        footers = Boolean.FALSE;
        state = State.RECORDS;
        in.setContext(null, at);
        return null;
    }

    private Command readCommand(long at) throws IOException {
        in.skip(1);
        int code = in.readU16();
        int len = in.readU16();
        CommandType t = CommandType.of(code);
        if (code == 0) {
            throw in.fail(Reason.CORRUPT, at + 1, "command 0 (MIG_CMD_INVALID)");
        }
        if (t != null && !t.acceptsLength(len)) {
            throw in.fail(Reason.CORRUPT, at + 3, "command %s with length %d", t, len);
        }
        ByteBuffer data = ByteBuffer.wrap(in.readBytes(len)).asReadOnlyBuffer();
        Command c = new Command(at, code, data);
        if (t == CommandType.PACKAGED) {
            if (packageEnd >= 0) {
                throw in.fail(Reason.CORRUPT, at, "PACKAGED command inside a PACKAGED stream");
            }
            packageEnd = in.position() + c.packagedLength();
        } else if (t == CommandType.POSTCOPY_ADVISE) {
            advise = c;
        }
        return c;
    }

    private MigrationEvent readAfterEof() throws IOException {
        long at = in.position();
        in.setContext(null, at);
        int b = in.peek(0);
        if (b < 0) {
            state = State.DONE;
            return null;
        }
        if (b != VmDescription.TYPE) {
            throw in.fail(Reason.CORRUPT, at, "unexpected byte 0x%02x after the EOF record", b);
        }
        in.skip(1);
        long len = Integer.toUnsignedLong(in.readInt());
        if (len > options.limits().maxVmDescription()) {
            throw in.fail(Reason.LIMIT_EXCEEDED, at + 1, "VMDESCRIPTION of %d bytes (limit %d)", len,
                    options.limits().maxVmDescription());
        }
        long size = in.size();
        if (size >= 0 && in.position() + len > size) {
            throw in.fail(Reason.TRUNCATED, size, "input ends %d bytes into a %d-byte VMDESCRIPTION",
                    size - in.position(), len);
        }
        byte[] json = in.readBytes((int) len);
        state = State.AFTER_DESCRIPTION;
        return new VmDescription(at, ByteBuffer.wrap(json).asReadOnlyBuffer());
    }

    /** Absolute offset of the next unread byte. */
    public long position() {
        return in.position();
    }

    @Override
    public ByteSource source() {
        return in;
    }

    @Override
    public Configuration configuration() {
        return configuration;
    }

    @Override
    public int pageSize() {
        if (pageSize == 0) {
            pageSize = PageSizes.of(options.pageSize(), configuration, layout != null ? layout.pageSize() : 0);
        }
        return pageSize;
    }

    @Override
    public ReadLimits limits() {
        return options.limits();
    }

    @Override
    public Command postcopyAdvise() {
        return advise;
    }

    /** Whether the stream has section footers: TRUE, FALSE, or null before the first section ended. */
    public Boolean footers() {
        return footers;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The reader's state as the scanner sees it. */
    private final class Tracker implements StreamState {
        @Override
        public Boolean footers() {
            return footers;
        }

        @Override
        public SectionRef section(int id) {
            return sections.get(id);
        }

        @Override
        public boolean isLive(int id) {
            return live.contains(id);
        }

        @Override
        public long packageEnd() {
            return packageEnd;
        }

        @Override
        public long inputSize() {
            try {
                return in.size();
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public int maxVmDescription() {
            return options.limits().maxVmDescription();
        }
    }
}
