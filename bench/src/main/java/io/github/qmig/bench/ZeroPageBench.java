package io.github.qmig.bench;

import io.github.qmig.ramblock.Pages;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The zero-page test ({@link Pages#isZero}) on a 4 KiB page: all zero (the whole page is read),
 * non-zero only in its last byte (worst case for a non-zero page), and random (exits at once).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ZeroPageBench {

    @Param({"zero", "lastByte", "random"})
    public String content;

    private final byte[] page = new byte[4096 + 64];
    private static final int OFF = 8; // pages sit at arbitrary offsets of the reader's buffer

    @Setup
    public void setUp() {
        switch (content) {
            case "lastByte" -> page[OFF + 4095] = 1;
            case "random" -> new Random(42).nextBytes(page);
            default -> { }
        }
    }

    @Benchmark
    public boolean isZero() {
        return Pages.isZero(page, OFF, 4096);
    }
}
