package io.github.qmig.compat;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict on one file against one target: compatible when no problem is an error. Problems are
 * in the order QEMU's loader meets them, so the first error is what QEMU reports; what could not be
 * decided (an {@code info}) comes last.
 *
 * <p>{@code --json} ({@link #toJson()}, field names stable):
 * <pre>
 * {"compatible": false, "target": {"qemu_version": "7.2.22", "machine": "pc-i440fx-7.2"},
 *  "problems": [{"code": "subsection-unknown", "severity": "error", "section": "i8259", "instance": 0,
 *                "offset": 1234567, "message": "..."}]}
 * </pre>
 *
 * @param file        the file's name as given
 * @param qemuVersion the target's release
 * @param machine     the target's machine type (its class name when known)
 * @param probed      whether the target's command line was probed
 * @param problems    in stream order
 */
public record CompatReport(String file, String qemuVersion, String machine, boolean probed,
                           List<CompatProblem> problems) {

    public CompatReport {
        problems = List.copyOf(problems);
    }

    public boolean compatible() {
        return count(Severity.ERROR) == 0;
    }

    public long count(Severity s) {
        return problems.stream().filter(p -> p.severity() == s).count();
    }

    /** The object {@code --json} prints: ordered maps, lists and scalars. */
    public Map<String, Object> toJson() {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("qemu_version", qemuVersion);
        target.put("machine", machine);
        List<Object> list = new ArrayList<>();
        for (CompatProblem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", p.code().id());
            m.put("severity", p.severity().label());
            m.put("section", p.section());
            m.put("instance", p.instance() < 0 ? null : p.instance());
            m.put("offset", p.offset() < 0 ? null : p.offset());
            m.put("message", p.message());
            list.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("compatible", compatible());
        root.put("target", target);
        root.put("problems", list);
        return root;
    }

    /**
     * One line per problem, then the verdict:
     * <pre>
     * vm.mig: error: the target has no RAM block ... at byte 0x1b in section 'ram' instance 0 [ram-block-unknown]
     * vm.mig: INCOMPATIBLE with QEMU 10.0.2, machine pc-i440fx-10.0: 1 error (QEMU stops at the first), 0 warnings
     * </pre>
     */
    public void text(PrintWriter out) {
        for (CompatProblem p : problems) {
            out.printf("%s: %s: %s [%s]%n", file, p.severity().label(), p.describe(), p.code().id());
        }
        long errors = count(Severity.ERROR);
        long undecided = count(Severity.INFO);
        String against = String.format("QEMU %s, machine %s%s", qemuVersion, machine, probed ? ", probed" : "");
        if (errors > 0) {
            out.printf("%s: INCOMPATIBLE with %s: %d error%s (QEMU stops at the first), %d warning%s%n", file, against,
                    errors, errors == 1 ? "" : "s", count(Severity.WARNING), count(Severity.WARNING) == 1 ? "" : "s");
        } else if (undecided > 0) {
            out.printf("%s: COMPATIBLE with %s as far as checked: %d check%s could not be made (info above)%n", file,
                    against, undecided, undecided == 1 ? "" : "s");
        } else {
            out.printf("%s: COMPATIBLE with %s%n", file, against);
        }
    }
}
