package io.github.qmig.testkit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Returns at most a few bytes per read, cycling through 1 to {@code max}, like a slow pipe: a reader
 * that assumes a read fills its buffer fails on it (jackson-core's testsupport has the same tool).
 */
public final class ThrottledInputStream extends FilterInputStream {

    private final int max;
    private int next = 1;

    public ThrottledInputStream(InputStream in, int max) {
        super(in);
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive");
        }
        this.max = max;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = Math.min(len, next);
        next = next == max ? 1 : next + 1;
        return super.read(b, off, n);
    }

    @Override
    public long skip(long n) throws IOException {
        return super.skip(Math.min(n, next));
    }

    @Override
    public int available() {
        return 0;
    }
}
