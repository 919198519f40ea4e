package io.github.qmig.bench;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.io.ByteSource;
import io.github.qmig.ramblock.RamPage;
import io.github.qmig.ramblock.RamSectionCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The pull reader over a whole 128 MiB guest's stream (x86-pc-128M-zero-detect-none: every page a
 * full PAGE record, ~134 MB): from a file (memory-mapped, payloads deferred) without and with
 * touching each payload, and from an in-memory stream (the pipe path, every byte copied).
 * Score: milliseconds per pass; divide the file size by it for the throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "-XX:+UseSerialGC"})
public class RecordParsingBench {

    @Param({"x86-pc-128M-zero-detect-none"})
    public String fixture;

    private Path file;
    private byte[] bytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchInputs.fixture(fixture);
        bytes = Files.readAllBytes(file);
    }

    /** Record headers only, as {@code qmig info} reads: page payloads are skipped in place. */
    @Benchmark
    public long fileHeadersOnly() throws IOException {
        long pages = 0;
        try (MigrationReader r = MigrationReader.open(file, RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof RamPage) {
                    pages++;
                }
            }
        }
        return pages;
    }

    /** Every page payload fetched, as converters and extraction do. */
    @Benchmark
    public long fileWithPayloads() throws IOException {
        long sum = 0;
        try (MigrationReader r = MigrationReader.open(file, RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof RamPage p) {
                    sum += p.array()[p.arrayOffset() + p.length() - 1];
                }
            }
        }
        return sum;
    }

    /** The stream path (stdin, pipes, decompressors): every byte through the 1 MiB buffer. */
    @Benchmark
    public long stream() throws IOException {
        long sum = 0;
        ByteSource in = ByteSource.of(new ByteArrayInputStream(bytes), "bench", 0);
        try (MigrationReader r = MigrationReader.of(in, RamSectionCodec.defaultOptions())) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof RamPage p) {
                    sum += p.array()[p.arrayOffset() + p.length() - 1];
                }
            }
        }
        return sum;
    }
}
