package io.github.qmig.tools.validate;

import io.github.qmig.codec.SectionRef;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.internal.VmDescriptionLayout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * Compares the VMDESCRIPTION with the FULL sections the stream really holds: one device entry per
 * FULL section, in stream order, with the same idstr, instance and version, and (a warning) the
 * payload length the JSON's field sizes add up to. The JSON is read as a token stream
 * ({@link VmDescriptionLayout}), so a hostile description cannot exhaust memory.
 */
final class VmDescriptionCheck {

    /** A FULL section as read: header, and payload bytes (-1 when not counted). */
    record Full(long offset, SectionRef section, long payloadLength) {
    }

    private VmDescriptionCheck() {
    }

    /**
     * @param fulls          the FULL sections in stream order (possibly only the first ones)
     * @param fullsTotal     how many FULL sections the stream has
     * @param streamPageSize the RAM page size the stream used, or 0 if it had no RAM
     * @param configuration  whether the stream has a CONFIGURATION record
     */
    static void check(VmDescription v, int maxBytes, List<Full> fulls, long fullsTotal, int streamPageSize,
                      boolean configuration, Consumer<Problem> out) {
        ByteBuffer b = v.json().duplicate();
        byte[] json = new byte[b.remaining()];
        b.get(json);
        long jsonAt = v.offset() + 5;
        VmDescriptionLayout layout;
        try {
            layout = VmDescriptionLayout.parse(json, maxBytes);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            out.accept(Problem.of(ProblemCode.VMDESC_INVALID, jsonAt, null, "VMDESCRIPTION is not well-formed: %s", why));
            return;
        }
        List<VmDescriptionLayout.Device> devices = layout.devices();
        if (devices.size() != fullsTotal) {
            out.accept(Problem.of(ProblemCode.VMDESC_DEVICE_COUNT, jsonAt, null,
                    "VMDESCRIPTION describes %d devices, the stream has %d FULL sections", devices.size(), fullsTotal));
        }
        int n = Math.min(devices.size(), fulls.size());
        for (int k = 0; k < n; k++) {
            VmDescriptionLayout.Device d = devices.get(k);
            Full f = fulls.get(k);
            SectionRef s = f.section();
            long instance = Integer.toUnsignedLong(s.instanceId());
            if (!d.name().equals(s.idstr()) || d.instanceId() != instance) {
                out.accept(Problem.of(ProblemCode.VMDESC_DEVICE_MISMATCH, f.offset(), s,
                        "VMDESCRIPTION device %d is '%s' instance %d, the stream's FULL section is '%s' instance %d",
                        k, d.name(), d.instanceId(), s.idstr(), instance));
                return; // everything after a shifted entry would mismatch too
            }
            if (d.version() >= 0 && d.version() != Integer.toUnsignedLong(s.version())) {
                out.accept(Problem.of(ProblemCode.VMDESC_VERSION_MISMATCH, f.offset(), s,
                        "VMDESCRIPTION gives version %d, the section header version %d", d.version(),
                        Integer.toUnsignedLong(s.version())));
            }
            if (d.payloadLength() >= 0 && f.payloadLength() >= 0 && d.payloadLength() != f.payloadLength()) {
                out.accept(Problem.of(ProblemCode.VMDESC_SIZE_MISMATCH, f.offset(), s,
                        "VMDESCRIPTION field sizes add up to %d bytes, the section has %d", d.payloadLength(),
                        f.payloadLength()));
            }
        }
        if (streamPageSize > 0 && layout.pageSize() > 0 && layout.pageSize() != streamPageSize) {
            out.accept(Problem.of(ProblemCode.VMDESC_PAGE_SIZE_MISMATCH, jsonAt, null,
                    "VMDESCRIPTION page_size %d, the RAM section used %d", layout.pageSize(), streamPageSize));
        }
        if (layout.hasConfiguration() && !configuration) {
            out.accept(Problem.of(ProblemCode.VMDESC_CONFIGURATION_MISMATCH, jsonAt, null,
                    "VMDESCRIPTION describes a configuration, the stream has no CONFIGURATION record"));
        }
    }
}
