package io.github.qmig.bench;

import com.github.luben.zstd.ZstdInputStream;
import io.github.qmig.testkit.Fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Inputs shared by the benchmarks: real QEMU files from {@code testdata/}, decompressed once. */
final class BenchInputs {

    private BenchInputs() {
    }

    /**
     * The raw stream of a fixture ({@code testdata/NAME.mig.zst}), decompressed into a temporary
     * file that is deleted on exit. {@code testdata/} is found as the tests find it ({@code
     * -Dqmig.testdata=DIR}, or by walking up from the working directory).
     */
    static Path fixture(String name) throws IOException {
        Path zst = Fixtures.testdataDir().resolve(name + ".mig.zst");
        Path raw = Files.createTempFile("qmig-bench-" + name, ".mig");
        raw.toFile().deleteOnExit();
        try (InputStream in = new ZstdInputStream(Files.newInputStream(zst))) {
            Files.copy(in, raw, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return raw;
    }
}
