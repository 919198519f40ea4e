package io.github.qmig.ramblock;

/**
 * Page records counted by kind: what {@code info}, {@code dump} and {@code validate} report per
 * stream, per block and per section. Mutable; {@link #snapshot()} freezes it.
 */
public final class PageTally {

    private final long[] counts = new long[RamPage.Kind.values().length];

    /** Counts one record of {@code p}'s kind. */
    public void add(RamPage p) {
        counts[p.kind().ordinal()]++;
    }

    /** Counts {@code n} records of {@code kind} (mapped-ram pages counted from a bitmap). */
    public void add(RamPage.Kind kind, long n) {
        counts[kind.ordinal()] += n;
    }

    public long get(RamPage.Kind kind) {
        return counts[kind.ordinal()];
    }

    /** Records of every kind. */
    public long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** The counts as they are now. */
    public Counts snapshot() {
        return new Counts(get(RamPage.Kind.PAGE), get(RamPage.Kind.ZERO), get(RamPage.Kind.XBZRLE),
                get(RamPage.Kind.COMPRESSED), get(RamPage.Kind.MAPPED));
    }

    /** Frozen counts by kind. */
    public record Counts(long page, long zero, long xbzrle, long compressed, long mapped) {
        public static final Counts NONE = new Counts(0, 0, 0, 0, 0);

        /** Pages that carry data: full pages sent, and mapped-ram pages stored. */
        public long data() {
            return page + mapped;
        }

        public long total() {
            return page + zero + xbzrle + compressed + mapped;
        }

        public Counts plus(Counts o) {
            return new Counts(page + o.page, zero + o.zero, xbzrle + o.xbzrle, compressed + o.compressed,
                    mapped + o.mapped);
        }
    }
}
