package io.github.qmig.inspect.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.codec.SectionRef;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Renders validation reports: text for people, JSON for scripts, JUnit XML for CI systems.
 *
 * <p>JSON, one object per file (an array for several files), field names stable:
 * <pre>
 * {"file": "vm.mig", "valid": false,
 *  "problems": [{"severity": "error", "offset": 1234, "section": {"id": 1, "name": "ram", "instance": 0,
 *                "started_at": 27} | null, "message": "...", "code": "truncated"}],
 *  "summary": {"errors": 1, "warnings": 0, "infos": 0, "input": "plain", "format": "stream",
 *              "machine": "pc-i440fx-10.0", "bytes_read": 1234, "complete": false, "vmdesc": false,
 *              "sections": 3, "ram_records": 100}}
 * </pre>
 * {@code offset} is null for problems about the whole file.
 */
public final class ValidationReports {

    private ValidationReports() {
    }

    /** One line per problem, then a verdict line per file. */
    public static void text(List<ValidationReport> reports, PrintWriter out) {
        for (ValidationReport r : reports) {
            for (Problem p : r.problems()) {
                out.printf("%s: %s: %s [%s]%n", r.file(), p.severity().label(), terminalSafe(p.describe()), p.code());
            }
            long e = r.count(Severity.ERROR);
            long w = r.count(Severity.WARNING);
            out.printf("%s: %s (%d error%s, %d warning%s)%n", r.file(), r.valid() ? "valid" : "INVALID", e,
                    e == 1 ? "" : "s", w, w == 1 ? "" : "s");
        }
        out.flush();
    }

    /** One object for one report, an array for several. */
    public static JsonNode json(List<ValidationReport> reports, ObjectMapper m) {
        if (reports.size() == 1) {
            return json(reports.get(0), m);
        }
        ArrayNode a = m.createArrayNode();
        reports.forEach(r -> a.add(json(r, m)));
        return a;
    }

    public static ObjectNode json(ValidationReport r, ObjectMapper m) {
        ObjectNode o = m.createObjectNode();
        o.put("file", r.file());
        o.put("valid", r.valid());
        ArrayNode ps = o.putArray("problems");
        for (Problem p : r.problems()) {
            ObjectNode po = ps.addObject();
            po.put("severity", p.severity().label());
            if (p.offset() >= 0) {
                po.put("offset", p.offset());
            } else {
                po.putNull("offset");
            }
            SectionRef s = p.section();
            if (s == null) {
                po.putNull("section");
            } else {
                ObjectNode so = po.putObject("section");
                so.put("id", Integer.toUnsignedLong(s.sectionId()));
                so.put("name", s.idstr());
                so.put("instance", Integer.toUnsignedLong(s.instanceId()));
                so.put("started_at", s.startOffset());
            }
            po.put("message", p.message());
            po.put("code", p.code());
        }
        ValidationReport.Summary s = r.summary();
        ObjectNode so = o.putObject("summary");
        so.put("errors", r.count(Severity.ERROR));
        so.put("warnings", r.count(Severity.WARNING));
        so.put("infos", r.count(Severity.INFO));
        so.put("input", s.input());
        so.put("format", s.format());
        so.put("machine", s.machine());
        so.put("bytes_read", s.bytesRead());
        so.put("complete", s.complete());
        so.put("vmdesc", s.vmdesc());
        so.put("sections", s.sections());
        so.put("ram_records", s.ramRecords());
        return o;
    }

    /**
     * A JUnit XML report: one test case per file; errors make a {@code failure} (an {@code error}
     * when the file could not be read at all), warnings and infos go to {@code system-out}.
     */
    public static void junit(List<ValidationReport> reports, OutputStream out) throws IOException {
        long failures = reports.stream().filter(r -> !r.valid() && !r.summary().ioError()).count();
        long errors = reports.stream().filter(r -> r.summary().ioError()).count();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "qmig validate");
            x.writeAttribute("tests", Integer.toString(reports.size()));
            x.writeAttribute("failures", Long.toString(failures));
            x.writeAttribute("errors", Long.toString(errors));
            x.writeCharacters("\n  ");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "qmig validate");
            x.writeAttribute("tests", Integer.toString(reports.size()));
            x.writeAttribute("failures", Long.toString(failures));
            x.writeAttribute("errors", Long.toString(errors));
            x.writeAttribute("skipped", "0");
            for (ValidationReport r : reports) {
                x.writeCharacters("\n    ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "qmig.validate");
                x.writeAttribute("name", xmlSafe(r.file()));
                Problem first = r.firstError();
                if (first != null) {
                    x.writeStartElement(r.summary().ioError() ? "error" : "failure");
                    x.writeAttribute("type", first.code());
                    x.writeAttribute("message", xmlSafe(first.describe()));
                    x.writeCharacters(lines(r, Severity.ERROR));
                    x.writeEndElement();
                }
                String other = lines(r, Severity.WARNING) + lines(r, Severity.INFO);
                if (!other.isEmpty()) {
                    x.writeStartElement("system-out");
                    x.writeCharacters(other);
                    x.writeEndElement();
                }
                x.writeEndElement();
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.flush();
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write the JUnit report: " + e.getMessage(), e);
        }
    }

    private static String lines(ValidationReport r, Severity s) {
        StringBuilder sb = new StringBuilder();
        for (Problem p : r.problems()) {
            if (p.severity() == s) {
                sb.append(s.label()).append(": ").append(xmlSafe(p.describe())).append(" [").append(p.code())
                        .append("]\n");
            }
        }
        return sb.toString();
    }

    /** Replaces control characters (a hostile idstr must not drive the terminal). */
    static String terminalSafe(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c);
        }
        return sb.toString();
    }

    /** Replaces characters XML 1.0 cannot carry (control bytes from hostile idstrs). */
    static String xmlSafe(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            sb.append(ok ? c : '?');
        }
        return sb.toString();
    }
}
