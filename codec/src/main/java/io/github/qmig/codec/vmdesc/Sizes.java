package io.github.qmig.codec.vmdesc;

/** Arithmetic on lengths where -1 means unknown and overflow is unknown too. */
final class Sizes {

    private Sizes() {
    }

    static long add(long a, long b) {
        if (a < 0 || b < 0) {
            return -1;
        }
        long r = a + b;
        return r < 0 ? -1 : r;
    }

    static long multiply(long a, long b) {
        if (a < 0 || b < 0) {
            return -1;
        }
        return b != 0 && a > Long.MAX_VALUE / b ? -1 : a * b;
    }
}
