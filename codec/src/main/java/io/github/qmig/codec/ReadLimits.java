package io.github.qmig.codec;

/**
 * Upper bounds on lengths and counts read from a file, checked before anything is allocated, so
 * that hostile input fails with {@link MigrationFormatException.Reason#LIMIT_EXCEEDED} instead of
 * exhausting the heap. Every bound holds in a 64 MiB heap.
 *
 * @param maxVmDescription   bytes of VMDESCRIPTION JSON
 * @param maxConfiguration   bytes of the machine name plus configuration subsections
 * @param maxRamBlocks       RAM blocks in one block list
 * @param maxPageSize        target page size
 * @param maxBitmapBytes     bytes of one mapped-ram page bitmap held in memory
 * @param maxCompressedPage  bytes of one zlib COMPRESS_PAGE record
 */
public record ReadLimits(int maxVmDescription, int maxConfiguration, int maxRamBlocks, int maxPageSize,
                         int maxBitmapBytes, int maxCompressedPage) {

    public ReadLimits {
        if (maxVmDescription < 0 || maxConfiguration < 0 || maxRamBlocks < 0 || maxPageSize < 0
                || maxBitmapBytes < 0 || maxCompressedPage < 0) {
            throw new IllegalArgumentException("negative limit");
        }
    }

    /** 16 MiB of JSON, 1 MiB of configuration, 65536 blocks, 64 KiB pages, 16 MiB bitmaps, 128 KiB records. */
    public static ReadLimits defaults() {
        return new ReadLimits(16 << 20, 1 << 20, 1 << 16, 1 << 16, 16 << 20, 1 << 17);
    }

    public ReadLimits withMaxVmDescription(int n) {
        return new ReadLimits(n, maxConfiguration, maxRamBlocks, maxPageSize, maxBitmapBytes, maxCompressedPage);
    }

    public ReadLimits withMaxBitmapBytes(int n) {
        return new ReadLimits(maxVmDescription, maxConfiguration, maxRamBlocks, maxPageSize, n, maxCompressedPage);
    }
}
