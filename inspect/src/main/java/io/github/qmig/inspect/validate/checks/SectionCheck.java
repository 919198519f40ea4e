package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionRef;
import io.github.qmig.codec.SectionType;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The section grammar QEMU's loader holds a stream to (migration/savevm.c
 * {@code qemu_loadvm_section_start_full}, {@code qemu_loadvm_section_part_end}): one identity per
 * section id, a live section started once and ended once, PART/END only for a live section, one
 * FULL section per device, printable idstrs, and at the end no section left open (or the shape of
 * a background snapshot, whose live sections never end).
 */
public final class SectionCheck implements Check {

    /** The live sections QEMU registers (register_savevm_live): RAM, and the handlers with their own records. */
    private static final Set<String> LIVE = Set.of("ram", "block", "dirty-bitmap", "spapr/htab", "s390-storage_attributes");

    private final int maxTracked;
    private final Map<Integer, State> sections = new HashMap<>();
    private final Set<String> fullIdentities = new HashSet<>();
    private long endSections;

    private static final class State {
        final SectionRef first;
        boolean started;
        boolean live;

        State(SectionRef first) {
            this.first = first;
        }
    }

    /** @param maxTracked FULL section identities remembered for the duplicate check */
    public SectionCheck(int maxTracked) {
        this.maxTracked = maxTracked;
    }

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (e instanceof SectionHeader h) {
            header(h, out);
        }
    }

    private void header(SectionHeader h, ProblemSink out) {
        SectionRef ref = h.section();
        int id = h.sectionId();
        State s = sections.get(id);
        switch (h.type()) {
            case START, FULL -> {
                checkIdentity(h, out);
                if (s != null && !sameIdentity(s.first, ref)) {
                    out.add(ProblemCode.SECTION_ID_CONFLICT, h.offset() + 1, ref,
                            "section id %d was used for '%s' instance %d at 0x%x", Integer.toUnsignedLong(id),
                            s.first.idstr(), Integer.toUnsignedLong(s.first.instanceId()), s.first.startOffset());
                }
                if (s == null) {
                    s = new State(ref);
                    sections.put(id, s);
                }
                if (h.type() == SectionType.START) {
                    if (!LIVE.contains(ref.idstr()) && !ref.idstr().endsWith("/vfio")) {
                        out.add(ProblemCode.SECTION_UNKNOWN, h.offset(), ref, "'%s' is not a live section QEMU has "
                                + "(RAM, block, dirty-bitmap, spapr/htab, s390 storage attributes, VFIO): QEMU refuses it "
                                + "(Unknown savevm section or instance '%s' %d)", ref.idstr(), ref.idstr(),
                                Integer.toUnsignedLong(ref.instanceId()));
                    }
                    if (s.started) {
                        out.add(ProblemCode.SECTION_STARTED_TWICE, h.offset(), ref, "section id %d started a second time",
                                Integer.toUnsignedLong(id));
                    }
                    s.started = true;
                    s.live = true;
                } else {
                    String identity = ref.idstr() + '\0' + Integer.toUnsignedLong(ref.instanceId());
                    if (fullIdentities.contains(identity)) {
                        out.add(ProblemCode.SECTION_DUPLICATE, h.offset(), ref, "a second FULL section for '%s' instance %d",
                                ref.idstr(), Integer.toUnsignedLong(ref.instanceId()));
                    } else if (fullIdentities.size() < maxTracked) {
                        fullIdentities.add(identity);
                    }
                }
            }
            case PART, END -> {
                if (s == null || !s.live) {
                    out.add(ProblemCode.SECTION_NOT_STARTED, h.offset() + 1, ref, "%s for section id %d, %s", h.type(),
                            Integer.toUnsignedLong(id), s == null || !s.started
                                    ? "which no START opened" : "which an END already closed");
                }
                if (h.type() == SectionType.END) {
                    endSections++;
                    if (s != null) {
                        s.live = false;
                    }
                }
            }
            default -> throw new IllegalStateException(h.type().toString());
        }
    }

    private static boolean sameIdentity(SectionRef a, SectionRef b) {
        return a.idstr().equals(b.idstr()) && a.instanceId() == b.instanceId();
    }

    private static void checkIdentity(SectionHeader h, ProblemSink out) {
        SectionRef ref = h.section();
        if (!Check.printable(ref.idstr())) {
            out.add(ProblemCode.SECTION_IDSTR_INVALID, h.offset() + 6, ref, "section idstr has bytes outside printable ASCII");
        }
        if (Integer.toUnsignedLong(ref.version()) > 0xffff) {
            out.add(ProblemCode.SECTION_VERSION_UNUSUAL, h.offset(), ref, "version %d (QEMU's are small numbers)",
                    Integer.toUnsignedLong(ref.version()));
        }
    }

    @Override
    public void finish(ProblemSink out) {
        List<State> live = new ArrayList<>();
        for (State s : sections.values()) {
            if (s.live) {
                live.add(s);
            }
        }
        live.sort((a, b) -> Long.compare(a.first.startOffset(), b.first.startOffset()));
        if (!live.isEmpty() && endSections == 0) {
            out.add(ProblemCode.BACKGROUND_SNAPSHOT, -1, null,
                    "no live section has an END section: the shape of a background snapshot");
        } else {
            for (State s : live) {
                out.add(ProblemCode.SECTION_NOT_ENDED, s.first.startOffset(), s.first, "section started but never ended");
            }
        }
    }

    /** Distinct section ids seen. */
    public int sectionIds() {
        return sections.size();
    }
}
