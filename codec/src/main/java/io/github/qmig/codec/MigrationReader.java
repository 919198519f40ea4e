package io.github.qmig.codec;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.internal.StreamState;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.codec.vmdesc.Description;

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
import java.util.function.LongConsumer;
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
 * <p>Errors are {@link MigrationFormatException}s that name the input, the offset, the record and the
 * section; whatever throws them below the reader (the buffer, a body codec, a consumer fed by
 * {@link #feed}) only says what and where, and the reader adds the rest.
 *
 * <p>Size: the top-level grammar is one state machine and reads best in one place, as a pull
 * parser's does; what varies by section (how a payload is framed, {@link SectionFraming}; how it is
 * decoded, {@link SectionBodyCodec}), the read-ahead description ({@link TrailingDescription}) and
 * the configuration ({@link ConfigurationCodec}) are their own classes.
 *
 * <p>Not thread-safe. Events that hold views ({@link SectionData}, RAM pages) are valid until the
 * next call to {@link #next()}.
 */
public final class MigrationReader implements Closeable, BodyContext {

    private enum State { HEADER, RECORDS, BODY, AFTER_BODY, SECTION_END, AFTER_EOF, AFTER_DESCRIPTION, DONE }

    private final ByteSource in;
    private final ReadOptions options;
    private final Map<Integer, SectionRef> sections = new HashMap<>();
    private final Set<Integer> live = new HashSet<>();
    private final Tracker tracker = new Tracker();
    /** The trailing VMDESCRIPTION read ahead (seekable files), or null. */
    private final TrailingDescription trailing;
    private final SectionFraming framing;

    private State state = State.HEADER;
    private boolean recordsSeen;
    private Boolean footers;
    private Configuration configuration;
    private Command advise;
    private long packageEnd = -1;
    private int pageSize;

    private SectionHeader current;
    private SectionBody body;
    private long payloadEnd;
    private long footerOffset;
    /** What errors name besides the input and offset: the section being read (or null), the record's start. */
    private SectionRef contextSection;
    private long contextOffset = -1;
    private LongConsumer progress;

    private MigrationReader(ByteSource in, ReadOptions options) throws IOException {
        this.in = in;
        this.options = options;
        List<SectionBodyCodec> codecs = new ArrayList<>();
        for (Supplier<? extends SectionBodyCodec> f : options.codecs()) {
            codecs.add(f.get());
        }
        trailing = options.useVmDescription() && in.isSeekable() ? TrailingDescription.find(in, options.limits()) : null;
        framing = new SectionFraming(codecs, trailing == null ? null : trailing.parsed(), tracker);
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
            throw inContext(in.shrank(fault)); // a mapped page past a new end of the file: see FileWindows
        } catch (MigrationFormatException bad) {
            MigrationFormatException shrunk = in.shrunk(); // zeros of a partly cut page, read as bytes
            if (shrunk == null) {
                throw inContext(bad);
            }
            shrunk.addSuppressed(bad);
            throw inContext(shrunk);
        }
        if (e == null) {
            MigrationFormatException shrunk = in.shrunk();
            if (shrunk != null) {
                throw inContext(shrunk);
            }
        }
        return e;
    }

    /** Tells {@code listener} the offset reached every few thousand events that {@link #feed} hands on (null: none). */
    public void onProgress(LongConsumer listener) {
        this.progress = listener;
    }

    /**
     * The one data path: every remaining event, in order, to each consumer, then each consumer's
     * {@link EventConsumer#end()}. An error a consumer throws gets the input's name and the
     * section as the reader's own do; a fault reading a page a consumer copies from a file that
     * shrank meanwhile is a TRUNCATED error.
     *
     * @return the number of events
     */
    public long feed(EventConsumer... consumers) throws IOException {
        long n = 0;
        try {
            for (MigrationEvent e = next(); e != null; e = next()) {
                for (EventConsumer c : consumers) {
                    c.accept(e);
                }
                if ((++n & 4095) == 0 && progress != null) {
                    progress.accept(position());
                }
            }
            for (EventConsumer c : consumers) {
                c.end();
            }
        } catch (InternalError fault) { // a consumer read a deferred page past a new end of the file
            throw inContext(in.shrank(fault));
        } catch (MigrationFormatException bad) {
            throw inContext(bad);
        }
        return n;
    }

    private MigrationFormatException inContext(MigrationFormatException e) {
        return e.inContext(in.name(), contextSection, contextOffset);
    }

    private void setContext(SectionRef section, long recordOffset) {
        contextSection = section;
        contextOffset = recordOffset;
    }

    private MigrationFormatException fail(Code code, long offset, String format, Object... args) {
        return MigrationFormatException.of(code, offset, format, args);
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
                    payloadEnd = in.position();
                    state = State.AFTER_BODY;
                    break;
                }
                case AFTER_BODY:
                    return readFooter();
                case SECTION_END:
                    return sectionEnd();
                case AFTER_EOF:
                    return readAfterEof();
                case AFTER_DESCRIPTION:
                    if (!in.atEnd()) {
                        return trailing(in.position(), TrailingBytes.Kind.AFTER_DESCRIPTION, -1);
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
        setContext(null, at);
        if (!in.ensure(4)) {
            throw fail(Code.TRUNCATED, at + in.available(), "input too short for a migration stream header");
        }
        int magic = in.readInt();
        if (magic != FileHeader.MAGIC) {
            throw fail(Code.BAD_MAGIC, at, "not a migration stream: magic 0x%08x (expected 0x5145564d 'QEVM')", magic);
        }
        int version = in.readInt();
        if (version == FileHeader.VERSION_COMPAT) {
            throw fail(Code.UNSUPPORTED_VERSION, at + 4, "stream version 2 is obsolete (QEMU reads only version 3)");
        }
        if (version != FileHeader.VERSION) {
            throw fail(Code.UNSUPPORTED_VERSION, at + 4, "unsupported stream version %d (expected 3)", version);
        }
        state = State.RECORDS;
        return new FileHeader(at, version);
    }

    private MigrationEvent readRecord() throws IOException {
        long at = in.position();
        if (packageEnd >= 0 && at >= packageEnd) {
            if (at > packageEnd) {
                throw fail(Code.CORRUPT, packageEnd, "a record crosses the end of the PACKAGED stream");
            }
            packageEnd = -1;
        }
        setContext(null, at);
        int type = in.peek(0);
        if (type < 0) {
            throw fail(Code.TRUNCATED, at, "input ends before the EOF record");
        }
        boolean first = !recordsSeen;
        recordsSeen = true;
        switch (type) {
            case Configuration.TYPE:
                if (!first) {
                    throw fail(Code.RECORD_TYPE_INVALID, at, "CONFIGURATION record not right after the file header");
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
                throw fail(Code.RECORD_TYPE_INVALID, at, "section footer where a record should start");
            case VmDescription.TYPE:
                throw fail(Code.RECORD_TYPE_INVALID, at, "VMDESCRIPTION before the EOF record");
            default:
                throw fail(Code.RECORD_TYPE_INVALID, at, "unknown record type 0x%02x", type);
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
                throw fail(Code.CORRUPT, at + 5, "section with an empty idstr");
            }
            int instance = in.readInt();
            int version = in.readInt();
            // QEMU gives one id per registered savevm handler (a few hundred even for large machines)
            int maxIds = options.limits().maxSectionIds();
            if (sections.size() >= maxIds && !sections.containsKey(id)) {
                throw fail(Code.LIMIT_EXCEEDED, at + 1, "more than %d distinct section ids", maxIds);
            }
            ref = new SectionRef(id, idstr, instance, version, at);
            sections.put(id, ref);
            if (type == SectionType.START) {
                live.add(id);
            }
        } else {
            ref = sections.get(id);
            if (ref == null) {
                throw fail(Code.SECTION_NOT_STARTED, at + 1, "%s for section id %d, which no START opened", type,
                        Integer.toUnsignedLong(id));
            }
            if (type == SectionType.END) {
                live.remove(id);
            }
        }
        SectionHeader header = new SectionHeader(at, type, ref);
        setContext(ref, at);
        current = header;
        body = framing.open(header, in, this);
        state = State.BODY;
        return header;
    }

    private MigrationEvent readFooter() throws IOException {
        long at = in.position();
        int b = in.peek(0);
        if (b == SectionFooter.TYPE) {
            in.skip(1);
            int id = in.readInt();
            if (id != current.sectionId()) {
                throw fail(Code.FOOTER_MISMATCH, at + 1, "footer names section id %d, expected %d",
                        Integer.toUnsignedLong(id), Integer.toUnsignedLong(current.sectionId()));
            }
            footers = Boolean.TRUE;
            footerOffset = at;
            state = State.SECTION_END;
            return new SectionFooter(at, id);
        }
        if (footers == Boolean.TRUE) {
            if (b < 0) {
                throw fail(Code.TRUNCATED, at, "input ends where the section footer should be");
            }
            throw fail(Code.FOOTER_MISSING, at, "missing section footer (found 0x%02x)", b);
        }
        footers = Boolean.FALSE;
        footerOffset = -1;
        return sectionEnd();
    }

    private SectionEnd sectionEnd() throws IOException {
        SectionHeader h = current;
        long payload = h.offset() + h.wireLength();
        state = State.RECORDS;
        return new SectionEnd(in.position(), h, payload, payloadEnd - payload, footerOffset);
    }

    private Command readCommand(long at) throws IOException {
        in.skip(1);
        int code = in.readU16();
        int len = in.readU16();
        CommandType t = CommandType.of(code);
        if (code == 0) {
            throw fail(Code.COMMAND_INVALID, at + 1, "command 0 (MIG_CMD_INVALID)");
        }
        if (t != null && !t.acceptsLength(len)) {
            throw fail(Code.COMMAND_INVALID, at + 3, "command %s with length %d", t, len);
        }
        ByteBuffer data = ByteBuffer.wrap(in.readBytes(len)).asReadOnlyBuffer();
        Command c = new Command(at, code, data);
        if (t == CommandType.PACKAGED) {
            if (packageEnd >= 0) {
                throw fail(Code.COMMAND_INVALID, at, "PACKAGED command inside a PACKAGED stream");
            }
            packageEnd = in.position() + c.packagedLength();
        } else if (t == CommandType.POSTCOPY_ADVISE) {
            advise = c;
        }
        return c;
    }

    /**
     * After the EOF record: nothing, a VMDESCRIPTION, or bytes QEMU's loader never reads
     * ({@link TrailingBytes}: the stream is complete, whatever follows).
     */
    private MigrationEvent readAfterEof() throws IOException {
        long at = in.position();
        setContext(null, at);
        int b = in.peek(0);
        if (b < 0) {
            state = State.DONE;
            return null;
        }
        if (b != VmDescription.TYPE) {
            return trailing(at, TrailingBytes.Kind.AFTER_EOF, -1);
        }
        if (!in.ensure(5)) {
            return trailing(at, TrailingBytes.Kind.CUT_DESCRIPTION, -1);
        }
        long len = Integer.toUnsignedLong(in.peekInt(1));
        if (len > options.limits().maxVmDescription()) {
            return trailing(at, TrailingBytes.Kind.UNREAD_DESCRIPTION, len);
        }
        long size = in.size();
        if (size >= 0 && at + 5 + len > size) {
            return trailing(at, TrailingBytes.Kind.CUT_DESCRIPTION, len);
        }
        if (trailing != null && trailing.is(at, len)) {
            in.skip(5 + len); // the record read ahead: its bytes and its parse are in hand
            state = State.AFTER_DESCRIPTION;
            return trailing.event(options.limits());
        }
        in.skip(5);
        byte[] json = new byte[(int) len];
        int got = in.readUpTo(json); // a stream: only reading tells whether all of it is there
        if (got < len) {
            state = State.DONE;
            ByteBuffer head = ByteBuffer.allocate(Math.min(TrailingBytes.HEAD, 5 + got));
            head.put((byte) VmDescription.TYPE).putInt((int) len).put(json, 0, head.remaining()).flip();
            return new TrailingBytes(at, TrailingBytes.Kind.CUT_DESCRIPTION, 5L + got, len, head);
        }
        state = State.AFTER_DESCRIPTION;
        return new VmDescription(at, ByteBuffer.wrap(json), options.limits(), null, null);
    }

    /** The bytes from {@code at} on, which the reader does not read further: it ends after them. */
    private TrailingBytes trailing(long at, TrailingBytes.Kind kind, long declared) throws IOException {
        state = State.DONE;
        in.ensure(TrailingBytes.HEAD);
        byte[] head = new byte[Math.min(TrailingBytes.HEAD, in.available())];
        for (int i = 0; i < head.length; i++) {
            head[i] = (byte) in.peek(i);
        }
        long size = in.size();
        return new TrailingBytes(at, kind, size >= 0 ? size - at : -1, declared, ByteBuffer.wrap(head));
    }

    /**
     * Whether the input was found to end with the EOF and VMDESCRIPTION records (seekable inputs,
     * read ahead when the reader was made): what a complete save ends with. False for streams.
     */
    public boolean endsWithDescription() {
        return trailing != null;
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
            Description d = trailing == null ? null : trailing.parsed();
            pageSize = PageSizes.of(options.pageSize(), configuration, d != null ? d.pageSize() : 0);
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

        @Override
        public long maxScannedPayload() {
            return options.limits().maxScannedPayload();
        }
    }
}
