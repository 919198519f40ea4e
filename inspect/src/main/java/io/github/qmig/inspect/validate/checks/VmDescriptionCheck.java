package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionRef;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.TrailingBytes;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DeviceEntry;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;
import io.github.qmig.ramblock.RamBlockEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * The VMDESCRIPTION against the FULL sections the stream really holds: one device entry per FULL
 * section, in stream order, with the same idstr, instance and version, and (a warning) the payload
 * length the JSON's field sizes add up to; its page size against the RAM's, its configuration
 * object against the CONFIGURATION record. The description is the one the reader parsed.
 */
public final class VmDescriptionCheck implements Check {

    /** A FULL section as read: header offset, identity and payload bytes. */
    private record Full(long offset, SectionRef section, long payloadLength) {
    }

    private final int maxTracked;
    private final List<Full> fulls = new ArrayList<>();
    private long fullsTotal;
    private int ramPageSize;
    private boolean configuration;
    private boolean seen;

    /** @param maxTracked FULL sections remembered for the comparison; more are counted only */
    public VmDescriptionCheck(int maxTracked) {
        this.maxTracked = maxTracked;
    }

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (e instanceof SectionEnd s && s.type() == SectionType.FULL) {
            if (fulls.size() < maxTracked) {
                fulls.add(new Full(s.header().offset(), s.section(), s.payloadLength()));
            }
            fullsTotal++;
        } else if (e instanceof RamBlockEntry b) {
            ramPageSize = b.pageSize();
        } else if (e instanceof Configuration) {
            configuration = true;
        } else if (e instanceof VmDescription v) {
            seen = true;
            check(v, out);
        } else if (e instanceof TrailingBytes t && t.kind() != TrailingBytes.Kind.AFTER_EOF
                && t.kind() != TrailingBytes.Kind.AFTER_DESCRIPTION) {
            seen = true; // there is one, cut or too large: TrailingCheck says so
        }
    }

    private void check(VmDescription v, ProblemSink out) {
        long jsonAt = v.jsonOffset();
        Description d;
        try {
            d = v.description();
        } catch (MigrationFormatException e) {
            out.add(ProblemCode.VMDESC_INVALID, jsonAt, null, "%s", e.detail());
            return;
        }
        List<DeviceEntry> devices = d.devices();
        if (devices.size() != fullsTotal) {
            out.add(ProblemCode.VMDESC_DEVICE_COUNT, jsonAt, null,
                    "VMDESCRIPTION describes %d devices, the stream has %d FULL sections", devices.size(), fullsTotal);
        }
        int n = Math.min(devices.size(), fulls.size());
        for (int k = 0; k < n; k++) {
            DeviceEntry entry = devices.get(k);
            Full f = fulls.get(k);
            SectionRef s = f.section();
            long instance = Integer.toUnsignedLong(s.instanceId());
            if (!entry.name().equals(Description.jsonName(s.idstr())) || entry.instanceId() != instance) {
                out.add(ProblemCode.VMDESC_DEVICE_MISMATCH, f.offset(), s,
                        "VMDESCRIPTION device %d is '%s' instance %d, the stream's FULL section is '%s' instance %d",
                        k, entry.name(), entry.instanceId(), s.idstr(), instance);
                return; // everything after a shifted entry would mismatch too
            }
            if (entry.version() >= 0 && entry.version() != Integer.toUnsignedLong(s.version())) {
                out.add(ProblemCode.VMDESC_VERSION_MISMATCH, f.offset(), s,
                        "VMDESCRIPTION gives version %d, the section header version %d", entry.version(),
                        Integer.toUnsignedLong(s.version()));
            }
            if (entry.payloadLength() >= 0 && entry.payloadLength() != f.payloadLength()) {
                out.add(ProblemCode.VMDESC_SIZE_MISMATCH, f.offset(), s,
                        "VMDESCRIPTION field sizes add up to %d bytes, the section has %d", entry.payloadLength(),
                        f.payloadLength());
            }
        }
        if (ramPageSize > 0 && d.pageSize() > 0 && d.pageSize() != ramPageSize) {
            out.add(ProblemCode.VMDESC_PAGE_SIZE_MISMATCH, jsonAt, null,
                    "VMDESCRIPTION page_size %d, the RAM section used %d", d.pageSize(), ramPageSize);
        }
        if (d.configuration() != null && !configuration) {
            out.add(ProblemCode.VMDESC_CONFIGURATION_MISMATCH, jsonAt, null,
                    "VMDESCRIPTION describes a configuration, the stream has no CONFIGURATION record");
        }
    }

    @Override
    public void finish(ProblemSink out) {
        if (!seen) {
            out.add(ProblemCode.VMDESC_MISSING, -1, null,
                    "no VMDESCRIPTION after EOF (suppress-vmdesc or postcopy); device sections are not cross-checked");
        }
    }

    public boolean seen() {
        return seen;
    }
}
