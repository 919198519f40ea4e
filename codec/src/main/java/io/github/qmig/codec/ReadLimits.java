package io.github.qmig.codec;

import java.util.Objects;

/**
 * Every upper bound on what a file can make qmig read, allocate or keep, in one place (as
 * jackson-core's {@code StreamReadConstraints}): each length and count read from a file is checked
 * against its bound before anything is allocated, so hostile input fails with
 * {@link MigrationFormatException.Code#LIMIT_EXCEEDED} (exit code 1) instead of exhausting the heap or
 * running for hours. The defaults admit every file QEMU writes with a wide margin.
 *
 * <pre>
 * ReadLimits l = ReadLimits.builder().maxVmDescriptionBytes(64 &lt;&lt; 20).build();
 * </pre>
 *
 * <table>
 * <caption>The limits and their defaults</caption>
 * <tr><th>limit</th><th>default</th><th>bounds</th></tr>
 * <tr><td>{@link #maxVmDescription()}</td><td>16 MiB</td><td>bytes of VMDESCRIPTION JSON (QEMU: ~100 KB)</td></tr>
 * <tr><td>{@link #maxVmDescriptionDevices()}</td><td>65,536</td><td>device entries in a VMDESCRIPTION</td></tr>
 * <tr><td>{@link #maxVmDescriptionNodes()}</td><td>262,144</td><td>objects, arrays and values of a parsed
 *     VMDESCRIPTION (QEMU: ~5,000 for a pc guest)</td></tr>
 * <tr><td>{@link #maxVmDescriptionDepth()}</td><td>64</td><td>nesting of vmstate descriptions (structs,
 *     subsections) in the JSON and in device payloads</td></tr>
 * <tr><td>{@link #maxStringLength()}</td><td>64 KiB</td><td>one JSON string or name</td></tr>
 * <tr><td>{@link #maxArrayElements()}</td><td>16 Mi</td><td>elements of one vmstate array field decoded</td></tr>
 * <tr><td>{@link #maxScannedPayload()}</td><td>256 MiB</td><td>bytes of one device payload delimited by
 *     scanning for its end (no VMDESCRIPTION): reading stops there instead of running to the end of a
 *     damaged input</td></tr>
 * <tr><td>{@link #maxConfiguration()}</td><td>1 MiB</td><td>bytes of the CONFIGURATION record</td></tr>
 * <tr><td>{@link #maxCapabilities()}</td><td>64</td><td>capabilities listed in the configuration</td></tr>
 * <tr><td>{@link #maxSectionIds()}</td><td>65,536</td><td>distinct section ids in one stream</td></tr>
 * <tr><td>{@link #maxRamBlocks()}</td><td>65,536</td><td>RAM blocks in one block list</td></tr>
 * <tr><td>{@link #maxPageSize()}</td><td>64 KiB</td><td>target page size</td></tr>
 * <tr><td>{@link #maxBitmapBytes()}</td><td>16 MiB</td><td>one mapped-ram page bitmap held in memory
 *     (a block of 512 GiB in 4 KiB pages), and one page-presence bitset of a page store</td></tr>
 * <tr><td>{@link #maxCompressedPage()}</td><td>128 KiB</td><td>one zlib COMPRESS_PAGE record</td></tr>
 * <tr><td>{@link #maxLibvirtData()}</td><td>64 MiB</td><td>a libvirt save image's data area (domain XML, cookie)</td></tr>
 * <tr><td>{@link #maxSectionBuffer()}</td><td>64 MiB</td><td>payload of one device section kept for decoding
 *     ({@code dump}, {@code diff})</td></tr>
 * <tr><td>{@link #maxBufferedPayload()}</td><td>256 MiB</td><td>payloads of all device sections kept for
 *     decoding ({@code dump}) or for writing after the pages ({@code diff}, {@code delta}, {@code apply})</td></tr>
 * <tr><td>{@link #maxTrackedPages()}</td><td>2^30</td><td>pages whose presence {@code validate} tracks (one
 *     bit each); beyond it the check is skipped</td></tr>
 * <tr><td>{@link #maxTrackedSections()}</td><td>65,536</td><td>FULL sections {@code validate} keeps for the
 *     VMDESCRIPTION comparison; more are counted only</td></tr>
 * <tr><td>{@link #maxStatePages()}</td><td>2^32</td><td>pages of one saved state whose final content
 *     {@code diff}, {@code delta}, {@code apply} and {@code chain} track (8 bytes each in a temporary
 *     file, a few bits in memory): 16 TiB of RAM in 4 KiB pages</td></tr>
 * <tr><td>{@link #maxRepeatedProblems()}</td><td>20</td><td>problems of one code listed before the rest are
 *     summarised</td></tr>
 * <tr><td>{@link #maxQcow2Snapshots()}</td><td>65,536</td><td>snapshots in a qcow2 image's table (QEMU's
 *     {@code QCOW_MAX_SNAPSHOTS})</td></tr>
 * <tr><td>{@link #maxQcow2SnapshotTable()}</td><td>32 MiB</td><td>bytes of a qcow2 snapshot table, all kept in
 *     memory (QEMU refuses more than 64 MiB; 65,536 snapshots with QEMU's longest names and IDs take 23 MiB)</td></tr>
 * <tr><td>{@link #maxQcow2L1Size()}</td><td>4 Mi</td><td>entries of a snapshot's L1 table (QEMU's
 *     {@code QCOW_MAX_L1_SIZE}, 32 MiB); only the entries over the VM state are read</td></tr>
 * <tr><td>{@link #maxSchemaBytes()}</td><td>64 MiB</td><td>bytes of a QEMU {@code -dump-vmstate} schema
 *     ({@code compat}; QEMU 10: 0.8 MB)</td></tr>
 * <tr><td>{@link #maxSchemaNodes()}</td><td>4 Mi</td><td>objects, arrays and values of a parsed schema (QEMU 10:
 *     ~25,000)</td></tr>
 * <tr><td>{@link #maxTargetOutput()}</td><td>4 MiB</td><td>bytes kept of what a target QEMU prints or answers
 *     ({@code compat}: {@code --version}, {@code -machine help}, its error output, one QMP message)</td></tr>
 * </table>
 */
public final class ReadLimits {

    private static final ReadLimits DEFAULTS = builder().build();

    private final int maxVmDescription;
    private final int maxVmDescriptionDevices;
    private final int maxVmDescriptionNodes;
    private final int maxVmDescriptionDepth;
    private final int maxStringLength;
    private final long maxArrayElements;
    private final long maxScannedPayload;
    private final int maxConfiguration;
    private final int maxCapabilities;
    private final int maxSectionIds;
    private final int maxRamBlocks;
    private final int maxPageSize;
    private final int maxBitmapBytes;
    private final int maxCompressedPage;
    private final int maxLibvirtData;
    private final int maxSectionBuffer;
    private final long maxBufferedPayload;
    private final long maxTrackedPages;
    private final int maxTrackedSections;
    private final int maxRepeatedProblems;
    private final int maxQcow2Snapshots;
    private final int maxQcow2SnapshotTable;
    private final int maxQcow2L1Size;
    private final int maxSchemaBytes;
    private final int maxSchemaNodes;
    private final int maxTargetOutput;
    private final long maxStatePages;

    private ReadLimits(Builder b) {
        this.maxVmDescription = b.maxVmDescription;
        this.maxVmDescriptionDevices = b.maxVmDescriptionDevices;
        this.maxVmDescriptionNodes = b.maxVmDescriptionNodes;
        this.maxVmDescriptionDepth = b.maxVmDescriptionDepth;
        this.maxStringLength = b.maxStringLength;
        this.maxArrayElements = b.maxArrayElements;
        this.maxScannedPayload = b.maxScannedPayload;
        this.maxConfiguration = b.maxConfiguration;
        this.maxCapabilities = b.maxCapabilities;
        this.maxSectionIds = b.maxSectionIds;
        this.maxRamBlocks = b.maxRamBlocks;
        this.maxPageSize = b.maxPageSize;
        this.maxBitmapBytes = b.maxBitmapBytes;
        this.maxCompressedPage = b.maxCompressedPage;
        this.maxLibvirtData = b.maxLibvirtData;
        this.maxSectionBuffer = b.maxSectionBuffer;
        this.maxBufferedPayload = b.maxBufferedPayload;
        this.maxTrackedPages = b.maxTrackedPages;
        this.maxTrackedSections = b.maxTrackedSections;
        this.maxRepeatedProblems = b.maxRepeatedProblems;
        this.maxQcow2Snapshots = b.maxQcow2Snapshots;
        this.maxQcow2SnapshotTable = b.maxQcow2SnapshotTable;
        this.maxQcow2L1Size = b.maxQcow2L1Size;
        this.maxSchemaBytes = b.maxSchemaBytes;
        this.maxSchemaNodes = b.maxSchemaNodes;
        this.maxTargetOutput = b.maxTargetOutput;
        this.maxStatePages = b.maxStatePages;
    }

    /** The defaults of the table above. */
    public static ReadLimits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public ReadLimits withMaxVmDescription(int n) {
        return toBuilder().maxVmDescriptionBytes(n).build();
    }

    public ReadLimits withMaxBitmapBytes(int n) {
        return toBuilder().maxBitmapBytes(n).build();
    }

    public int maxVmDescription() {
        return maxVmDescription;
    }

    public int maxVmDescriptionDevices() {
        return maxVmDescriptionDevices;
    }

    public int maxVmDescriptionNodes() {
        return maxVmDescriptionNodes;
    }

    public int maxVmDescriptionDepth() {
        return maxVmDescriptionDepth;
    }

    public int maxStringLength() {
        return maxStringLength;
    }

    public long maxArrayElements() {
        return maxArrayElements;
    }

    public long maxScannedPayload() {
        return maxScannedPayload;
    }

    public int maxConfiguration() {
        return maxConfiguration;
    }

    public int maxCapabilities() {
        return maxCapabilities;
    }

    public int maxSectionIds() {
        return maxSectionIds;
    }

    public int maxRamBlocks() {
        return maxRamBlocks;
    }

    public int maxPageSize() {
        return maxPageSize;
    }

    public int maxBitmapBytes() {
        return maxBitmapBytes;
    }

    public int maxCompressedPage() {
        return maxCompressedPage;
    }

    public int maxLibvirtData() {
        return maxLibvirtData;
    }

    public int maxSectionBuffer() {
        return maxSectionBuffer;
    }

    public long maxBufferedPayload() {
        return maxBufferedPayload;
    }

    public long maxTrackedPages() {
        return maxTrackedPages;
    }

    public int maxTrackedSections() {
        return maxTrackedSections;
    }

    public int maxRepeatedProblems() {
        return maxRepeatedProblems;
    }

    public int maxQcow2Snapshots() {
        return maxQcow2Snapshots;
    }

    public int maxQcow2SnapshotTable() {
        return maxQcow2SnapshotTable;
    }

    public int maxQcow2L1Size() {
        return maxQcow2L1Size;
    }

    public int maxSchemaBytes() {
        return maxSchemaBytes;
    }

    public int maxSchemaNodes() {
        return maxSchemaNodes;
    }

    public int maxTargetOutput() {
        return maxTargetOutput;
    }

    public long maxStatePages() {
        return maxStatePages;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadLimits l && new Builder(this).equals(new Builder(l));
    }

    @Override
    public int hashCode() {
        return new Builder(this).hashCode();
    }

    /** Sets limits one by one; every limit not set keeps its default. Negative values are refused. */
    public static final class Builder {
        private int maxVmDescription = 16 << 20;
        private int maxVmDescriptionDevices = 1 << 16;
        private int maxVmDescriptionNodes = 1 << 18;
        private int maxVmDescriptionDepth = 64;
        private int maxStringLength = 1 << 16;
        private long maxArrayElements = 1 << 24;
        private long maxScannedPayload = 256L << 20;
        private int maxConfiguration = 1 << 20;
        private int maxCapabilities = 64;
        private int maxSectionIds = 1 << 16;
        private int maxRamBlocks = 1 << 16;
        private int maxPageSize = 1 << 16;
        private int maxBitmapBytes = 16 << 20;
        private int maxCompressedPage = 1 << 17;
        private int maxLibvirtData = 64 << 20;
        private int maxSectionBuffer = 64 << 20;
        private long maxBufferedPayload = 256L << 20;
        private long maxTrackedPages = 1L << 30;
        private int maxTrackedSections = 1 << 16;
        private int maxRepeatedProblems = 20;
        private int maxQcow2Snapshots = 1 << 16;
        private int maxQcow2SnapshotTable = 32 << 20;
        private int maxQcow2L1Size = 4 << 20;
        private int maxSchemaBytes = 64 << 20;
        private int maxSchemaNodes = 4 << 20;
        private int maxTargetOutput = 4 << 20;
        private long maxStatePages = 1L << 32;

        private Builder() {
        }

        private Builder(ReadLimits l) {
            maxVmDescription = l.maxVmDescription;
            maxVmDescriptionDevices = l.maxVmDescriptionDevices;
            maxVmDescriptionNodes = l.maxVmDescriptionNodes;
            maxVmDescriptionDepth = l.maxVmDescriptionDepth;
            maxStringLength = l.maxStringLength;
            maxArrayElements = l.maxArrayElements;
            maxScannedPayload = l.maxScannedPayload;
            maxConfiguration = l.maxConfiguration;
            maxCapabilities = l.maxCapabilities;
            maxSectionIds = l.maxSectionIds;
            maxRamBlocks = l.maxRamBlocks;
            maxPageSize = l.maxPageSize;
            maxBitmapBytes = l.maxBitmapBytes;
            maxCompressedPage = l.maxCompressedPage;
            maxLibvirtData = l.maxLibvirtData;
            maxSectionBuffer = l.maxSectionBuffer;
            maxBufferedPayload = l.maxBufferedPayload;
            maxTrackedPages = l.maxTrackedPages;
            maxTrackedSections = l.maxTrackedSections;
            maxRepeatedProblems = l.maxRepeatedProblems;
            maxQcow2Snapshots = l.maxQcow2Snapshots;
            maxQcow2SnapshotTable = l.maxQcow2SnapshotTable;
            maxQcow2L1Size = l.maxQcow2L1Size;
            maxSchemaBytes = l.maxSchemaBytes;
            maxSchemaNodes = l.maxSchemaNodes;
            maxTargetOutput = l.maxTargetOutput;
            maxStatePages = l.maxStatePages;
        }

        private static int check(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative limit " + n);
            }
            return n;
        }

        private static long check(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative limit " + n);
            }
            return n;
        }

        public Builder maxVmDescriptionBytes(int n) {
            maxVmDescription = check(n);
            return this;
        }

        public Builder maxVmDescriptionDevices(int n) {
            maxVmDescriptionDevices = check(n);
            return this;
        }

        public Builder maxVmDescriptionNodes(int n) {
            maxVmDescriptionNodes = check(n);
            return this;
        }

        public Builder maxVmDescriptionDepth(int n) {
            maxVmDescriptionDepth = check(n);
            return this;
        }

        public Builder maxStringLength(int n) {
            maxStringLength = check(n);
            return this;
        }

        public Builder maxArrayElements(long n) {
            maxArrayElements = check(n);
            return this;
        }

        public Builder maxScannedPayload(long n) {
            maxScannedPayload = check(n);
            return this;
        }

        public Builder maxConfiguration(int n) {
            maxConfiguration = check(n);
            return this;
        }

        public Builder maxCapabilities(int n) {
            maxCapabilities = check(n);
            return this;
        }

        public Builder maxSectionIds(int n) {
            maxSectionIds = check(n);
            return this;
        }

        public Builder maxRamBlocks(int n) {
            maxRamBlocks = check(n);
            return this;
        }

        public Builder maxPageSize(int n) {
            maxPageSize = check(n);
            return this;
        }

        public Builder maxBitmapBytes(int n) {
            maxBitmapBytes = check(n);
            return this;
        }

        public Builder maxCompressedPage(int n) {
            maxCompressedPage = check(n);
            return this;
        }

        public Builder maxLibvirtData(int n) {
            maxLibvirtData = check(n);
            return this;
        }

        public Builder maxSectionBuffer(int n) {
            maxSectionBuffer = check(n);
            return this;
        }

        public Builder maxBufferedPayload(long n) {
            maxBufferedPayload = check(n);
            return this;
        }

        public Builder maxTrackedPages(long n) {
            maxTrackedPages = check(n);
            return this;
        }

        public Builder maxTrackedSections(int n) {
            maxTrackedSections = check(n);
            return this;
        }

        public Builder maxRepeatedProblems(int n) {
            maxRepeatedProblems = check(n);
            return this;
        }

        public Builder maxQcow2Snapshots(int n) {
            maxQcow2Snapshots = check(n);
            return this;
        }

        public Builder maxQcow2SnapshotTable(int n) {
            maxQcow2SnapshotTable = check(n);
            return this;
        }

        public Builder maxQcow2L1Size(int n) {
            maxQcow2L1Size = check(n);
            return this;
        }

        public Builder maxSchemaBytes(int n) {
            maxSchemaBytes = check(n);
            return this;
        }

        public Builder maxSchemaNodes(int n) {
            maxSchemaNodes = check(n);
            return this;
        }

        public Builder maxTargetOutput(int n) {
            maxTargetOutput = check(n);
            return this;
        }

        public Builder maxStatePages(long n) {
            maxStatePages = check(n);
            return this;
        }

        public ReadLimits build() {
            return new ReadLimits(this);
        }

        private long[] values() {
            return new long[] {maxVmDescription, maxVmDescriptionDevices, maxVmDescriptionNodes, maxVmDescriptionDepth,
                maxStringLength, maxArrayElements, maxScannedPayload, maxConfiguration, maxCapabilities, maxSectionIds, maxRamBlocks,
                maxPageSize, maxBitmapBytes, maxCompressedPage, maxLibvirtData, maxSectionBuffer, maxBufferedPayload,
                maxTrackedPages, maxTrackedSections, maxRepeatedProblems, maxQcow2Snapshots, maxQcow2SnapshotTable,
                maxQcow2L1Size, maxSchemaBytes, maxSchemaNodes,
                maxTargetOutput, maxStatePages};
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Builder b && java.util.Arrays.equals(values(), b.values());
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(values());
        }
    }

    @Override
    public String toString() {
        return "ReadLimits" + Objects.toString(java.util.Arrays.toString(new Builder(this).values()));
    }
}
