package io.github.qmig.tools.dump;

/**
 * Bounds on what {@link DumpCollector} keeps in memory. Payloads of non-RAM sections are buffered
 * until the VMDESCRIPTION at the end of the stream has been read (it only arrives last on a pipe);
 * RAM pages are never buffered.
 *
 * @param maxSectionBytes  payload bytes of one non-RAM section
 * @param maxBufferedBytes payload bytes of all non-RAM sections together
 * @param maxVmDescription bytes of VMDESCRIPTION JSON
 */
public record DumpOptions(int maxSectionBytes, long maxBufferedBytes, int maxVmDescription) {

    public DumpOptions {
        if (maxSectionBytes < 0 || maxBufferedBytes < 0 || maxVmDescription < 0) {
            throw new IllegalArgumentException("negative limit");
        }
    }

    /** 64 MiB per section, 256 MiB in all, 16 MiB of JSON. */
    public static DumpOptions defaults() {
        return new DumpOptions(64 << 20, 256L << 20, 16 << 20);
    }

    public DumpOptions withMaxSectionBytes(int n) {
        return new DumpOptions(n, maxBufferedBytes, maxVmDescription);
    }

    public DumpOptions withMaxBufferedBytes(long n) {
        return new DumpOptions(maxSectionBytes, n, maxVmDescription);
    }
}
