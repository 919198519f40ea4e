package io.github.qmig.inspect.validate;

import io.github.qmig.codec.EndOfFile;
import io.github.qmig.codec.EventConsumer;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.input.IncrementHeader;
import io.github.qmig.input.LibvirtHeader;
import io.github.qmig.inspect.validate.checks.Check;
import io.github.qmig.inspect.validate.checks.CommandCheck;
import io.github.qmig.inspect.validate.checks.ConfigurationCheck;
import io.github.qmig.inspect.validate.checks.FooterCheck;
import io.github.qmig.inspect.validate.checks.LibvirtCheck;
import io.github.qmig.inspect.validate.checks.MappedRamCheck;
import io.github.qmig.inspect.validate.checks.MigrationKnobsCheck;
import io.github.qmig.inspect.validate.checks.RamCheck;
import io.github.qmig.inspect.validate.checks.SectionCheck;
import io.github.qmig.inspect.validate.checks.TrailingCheck;
import io.github.qmig.inspect.validate.checks.VmDescriptionCheck;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code validate}'s checks over one stream, one {@link ProblemSink}: every event goes to each
 * {@link Check} in turn (in an order that lists the problems of one record as a reader meets
 * them, and those of the whole file footers first, then sections, description, RAM), and the
 * judgements that need the whole stream are made once the reader ends
 * ({@link #end}). The reader enforces the grammar and throws on what it cannot read past;
 * {@link #readerFailed} turns that into the last problem. A new check is a new class in
 * {@code checks}, listed here.
 */
public final class Validator implements EventConsumer {

    private final ProblemSink sink;
    private final ConfigurationCheck configuration = new ConfigurationCheck();
    private final SectionCheck sections;
    private final VmDescriptionCheck description;
    private final RamCheck ram;
    private final List<Check> checks = new ArrayList<>();
    private boolean eof;
    private boolean done;

    /**
     * @param inputSize the file's size when known (seekable input), else -1
     * @param libvirt   the libvirt save image header, or null
     */
    public Validator(ValidateOptions options, long inputSize, LibvirtHeader libvirt) {
        this(options, inputSize, libvirt, null);
    }

    /** @param increment the header of a qmig increment around the stream, or null */
    public Validator(ValidateOptions options, long inputSize, LibvirtHeader libvirt, IncrementHeader increment) {
        this.sink = new ProblemSink(options.strict(), options.limits().maxRepeatedProblems());
        int tracked = options.limits().maxTrackedSections();
        this.sections = new SectionCheck(tracked);
        this.description = new VmDescriptionCheck(tracked);
        this.ram = new RamCheck(options.limits().maxTrackedPages(), increment != null);
        checks.add(configuration);
        if (libvirt != null) {
            checks.add(new LibvirtCheck(libvirt, sink));
        }
        if (increment != null) {
            sink.add(ProblemCode.INCREMENT, 0, null, "a qmig increment of %d pages over base state %s, giving state %s: "
                    + "qmig apply rebuilds the save", increment.pages(), increment.base(), increment.result());
        }
        checks.add(new CommandCheck());
        checks.add(new FooterCheck()); // counts only while reading; first of the whole-file judgements
        checks.add(new MigrationKnobsCheck());
        checks.add(sections);
        checks.add(description);
        checks.add(ram);
        checks.add(new MappedRamCheck(inputSize));
        checks.add(new TrailingCheck());
    }

    @Override
    public void accept(MigrationEvent e) {
        eof |= e instanceof EndOfFile;
        for (Check c : checks) {
            c.accept(e, sink);
        }
    }

    /** After the last event: the checks that need the whole stream (the reader ends only after EOF). */
    @Override
    public void end() {
        if (done) {
            return;
        }
        done = true;
        ram.close();
        if (!eof) {
            return;
        }
        for (Check c : checks) {
            c.finish(sink);
        }
    }

    /**
     * The reader stopped with a format error: that is the last problem, and the checks that need
     * the whole stream are skipped.
     */
    public void readerFailed(MigrationFormatException e) {
        done = true;
        ram.close();
        sink.add(Problem.of(e));
    }

    /** The problems found so far, in file order of detection. */
    public List<Problem> problems() {
        return sink.problems();
    }

    /** Whether the stream has been judged valid: no error so far. */
    public boolean valid() {
        return sink.valid();
    }

    boolean eof() {
        return eof;
    }

    boolean vmdescSeen() {
        return description.seen();
    }

    String machine() {
        return configuration.configuration() == null ? null : configuration.configuration().machine();
    }

    boolean mappedRam() {
        return ram.mappedRam();
    }

    long ramRecords() {
        return ram.records();
    }

    int sectionIds() {
        return sections.sectionIds();
    }
}
