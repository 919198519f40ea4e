package io.github.qmig.ramblock;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.SectionEnd;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.VmDescription;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.codec.vmdesc.DescriptionWriter;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VMDESCRIPTION of every real file, as the codec parses it: written back by {@link DescriptionWriter} it is the same
 * bytes QEMU wrote, and each device entry's wire length is the length of its FULL section's
 * payload as the reader delimits it on a pipe (where it cannot use the description).
 */
class DescriptionRealFilesTest {

    static List<Fixture> withDescription() {
        List<Fixture> out = new ArrayList<>();
        for (Fixture f : Fixtures.list()) {
            if (!f.name().contains("no-vmdesc") && !f.name().contains("pc14")) {
                out.add(f);
            }
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(15);
        return out;
    }

    @ParameterizedTest
    @MethodSource("withDescription")
    void writerReproducesQemusJsonAndLengthsMatchSections(Fixture f, @TempDir Path tmp) throws IOException {
        Path file = f.decompressTo(tmp.resolve("f.mig"));
        List<Long> fullPayloads = new ArrayList<>();
        VmDescription vmdesc = null;
        // Through a stream: device sections are delimited by footers and headers, not by the JSON.
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             MigrationReader r = MigrationReader.of(ByteSource.of(skip(in, f.metadata().uriOffset()), "pipe",
                     f.metadata().uriOffset()), RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof SectionEnd s && s.type() == SectionType.FULL) {
                    fullPayloads.add(s.payloadLength());
                } else if (e instanceof VmDescription v) {
                    vmdesc = v;
                }
            }
        }
        assertThat(vmdesc).isNotNull();
        Description d = vmdesc.description();
        byte[] json = new byte[vmdesc.length()];
        vmdesc.json().get(json);
        assertThat(DescriptionWriter.qemuText(d.toJson())).isEqualTo(new String(json, StandardCharsets.UTF_8));
        assertThat(d.devices()).hasSize(fullPayloads.size());
        for (int k = 0; k < fullPayloads.size(); k++) {
            assertThat(d.devices().get(k).payloadLength()).as("device %d %s", k, d.devices().get(k).name())
                    .isEqualTo(fullPayloads.get(k));
        }
    }

    private static InputStream skip(InputStream in, long n) throws IOException {
        in.skipNBytes(n);
        return in;
    }
}
