package io.github.qmig.ramblock;

import java.util.Objects;

/**
 * One entry of the RAM block list (migration/ram.c {@code ram_save_setup}, read by
 * {@code parse_ramblock}).
 *
 * <pre>
 * | idlen u8 | idstr | used_length be64 | [page_size be64] | [mr_addr be64] | [MappedRamHeader] |
 * </pre>
 *
 * @param idstr      RAMBlock id, e.g. {@code pc.ram}, {@code /rom@etc/acpi/tables}
 * @param usedLength bytes of the block
 * @param pageSize   the block's host page size when the stream carries it (postcopy with huge
 *                   pages), else -1
 * @param mrAddr     the MemoryRegion address when the stream carries it (x-ignore-shared), else -1
 */
public record RamBlock(String idstr, long usedLength, long pageSize, long mrAddr) {

    public RamBlock {
        Objects.requireNonNull(idstr, "idstr");
        if (idstr.isEmpty() || idstr.length() > 255) {
            throw new IllegalArgumentException("idstr must have 1 to 255 bytes: '" + idstr + "'");
        }
        if (usedLength < 0) {
            throw new IllegalArgumentException("negative used_length " + usedLength);
        }
    }

    public static RamBlock of(String idstr, long usedLength) {
        return new RamBlock(idstr, usedLength, -1, -1);
    }

    public boolean hasPageSize() {
        return pageSize >= 0;
    }

    public boolean hasMrAddr() {
        return mrAddr >= 0;
    }
}
