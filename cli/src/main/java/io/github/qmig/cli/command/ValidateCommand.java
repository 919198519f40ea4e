package io.github.qmig.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.qmig.cli.ExitCode;
import io.github.qmig.cli.Offsets;
import io.github.qmig.cli.SnapshotOption;
import io.github.qmig.codec.io.ByteSink;
import io.github.qmig.inspect.validate.FileValidator;
import io.github.qmig.inspect.validate.ValidateOptions;
import io.github.qmig.inspect.validate.ValidationReport;
import io.github.qmig.inspect.validate.ValidationReports;
import io.github.qmig.output.Output;
import io.github.qmig.output.OutputOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check migration files: structure, sections and footers, configuration, VMDESCRIPTION, "
                + "RAM (every page present, deltas decode), mapped-ram layout, completeness.",
                "Every file is read to its end or its first unreadable byte; each problem is printed with its "
                        + "severity, byte offset, section and code (docs/validate.md lists the codes)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every file valid (warnings allowed unless --strict)",
            "1:a file is invalid or unreadable as a migration file",
            "2:usage error",
            "3:I/O or internal error (a file missing or unreadable, the report not writable)"})
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SnapshotOption snapshot = new SnapshotOption();

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "Migration files (plain, zstd/gzip/xz, libvirt save images, qcow2 images with --snapshot "
                    + "or as IMAGE@NAME), or - for standard input.")
    List<String> files;

    @Option(names = "--json", description = "Print JSON: one object per file, an array for several files.")
    boolean json;

    @Option(names = "--junit", paramLabel = "REPORT.xml", description = "Also write a JUnit XML report for CI.")
    Path junit;

    @Option(names = "--strict", description = "Treat warnings as errors.")
    boolean strict;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = Offsets.class,
            description = "Byte offset where the stream starts in each file (as in file:PATH,offset=N).")
    long offset;

    @Override
    public Integer call() throws Exception {
        ValidateOptions options = ValidateOptions.defaults().withStrict(strict).withOffset(offset)
                .withSnapshot(snapshot.snapshot());
        Path[] inputs = files.stream().filter(f -> !f.equals("-")).map(Path::of).toArray(Path[]::new);
        // The report's place is checked before the (possibly long) validation, not after it.
        try (Output report = junit != null ? Output.open(junit.toString(), OutputOptions.defaults(), false, inputs) : null) {
            List<ValidationReport> reports = new ArrayList<>();
            for (String f : files) {
                reports.add(FileValidator.validate(f, options));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(m.writeValueAsString(ValidationReports.json(reports, m)));
            } else {
                ValidationReports.text(reports, out);
            }
            out.flush();
            if (report != null) {
                ByteArrayOutputStream xml = new ByteArrayOutputStream();
                ValidationReports.junit(reports, xml);
                try (ByteSink sink = report.sink(0)) {
                    sink.write(ByteBuffer.wrap(xml.toByteArray()));
                } catch (IOException e) {
                    throw report.named(e);
                }
                report.commit();
            }
            return exitCode(reports).code();
        }
    }

    static ExitCode exitCode(List<ValidationReport> reports) {
        if (reports.stream().anyMatch(r -> r.summary().ioError())) {
            return ExitCode.IO_ERROR;
        }
        return reports.stream().allMatch(ValidationReport::valid) ? ExitCode.OK : ExitCode.INVALID;
    }
}
