package io.github.qmig.bench;

import io.github.qmig.ramblock.Xbzrle;

import java.io.ByteArrayOutputStream;
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
 * XBZRLE delta decoding into a 4 KiB page: the test guest's pattern (4 changed bytes in every
 * page: one short run) and a dense delta (4 changed bytes every 16: 256 runs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class XbzrleBench {

    @Param({"4", "16"})
    public int stride; // 4: one run of 4 bytes at offset 4; 16: 4 bytes changed every 16

    private final byte[] page = new byte[4096];
    private byte[] delta;

    @Setup
    public void setUp() {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        int pos = 0;
        int runs = stride == 4 ? 1 : 4096 / stride;
        for (int r = 0; r < runs; r++) {
            int start = stride == 4 ? 4 : r * stride + 4;
            uleb(d, start - pos); // unchanged bytes
            uleb(d, 4);           // then 4 new bytes
            for (int i = 0; i < 4; i++) {
                d.write(r + i + 1);
            }
            pos = start + 4;
        }
        delta = d.toByteArray();
    }

    private static void uleb(ByteArrayOutputStream d, int v) {
        if (v < 0x80) {
            d.write(v);
        } else {
            d.write(0x80 | (v & 0x7f));
            d.write(v >>> 7);
        }
    }

    @Benchmark
    public int decode() {
        return Xbzrle.decode(delta, 0, delta.length, page, 0, page.length);
    }
}
