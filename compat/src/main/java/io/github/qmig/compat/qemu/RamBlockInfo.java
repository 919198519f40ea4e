package io.github.qmig.compat.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One RAM block of a configured target, from HMP {@code info ramblock} (system/physmem.c
 * {@code ram_block_format}):
 *
 * <pre>
 *               Block Name    PSize              Offset               Used              Total                HVA  RO
 *                   pc.ram    4 KiB  0x0000000000000000 0x0000000008000000 0x0000000008000000 0x00007f58f3e00000  rw
 *     /rom@etc/acpi/tables    4 KiB  0x0000000008080000 0x0000000000020000 0x0000000000200000 0x00007f58f3a00000  ro
 * </pre>
 *
 * (QEMU 7.2 has no HVA and RO columns.) {@code Used} is the block's used_length, {@code Total}
 * its max_length.
 *
 * @param name the block's idstr (device-owned blocks are {@code <device path>/<name>})
 * @param used used_length
 * @param max  max_length
 */
public record RamBlockInfo(String name, long used, long max) {

    private static final Pattern ROW = Pattern.compile(
            "^\\s*(\\S.*?)\\s+\\d+ [KMGT]?i?B\\s+0x[0-9a-fA-F]+\\s+(0x[0-9a-fA-F]+)\\s+(0x[0-9a-fA-F]+)(\\s.*)?$");

    /** The rows of {@code info ramblock} output (its header and any other line skipped). */
    public static List<RamBlockInfo> parse(String infoRamblock) {
        List<RamBlockInfo> out = new ArrayList<>();
        for (String line : infoRamblock.split("\r?\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                try {
                    out.add(new RamBlockInfo(m.group(1), Long.parseUnsignedLong(m.group(2).substring(2), 16),
                            Long.parseUnsignedLong(m.group(3).substring(2), 16)));
                } catch (NumberFormatException e) {
                    // more than 64 bits: not a row QEMU prints
                }
            }
        }
        return out;
    }

    /**
     * Whether the block can take another length on load ({@code qemu_ram_resize}, system/physmem.c):
     * a block whose max_length exceeds its used_length, and the fw_cfg blobs ({@code /rom@...},
     * hw/core/loader.c {@code rom_set_mr}), which are resizeable even when both are equal.
     */
    public boolean resizeable() {
        return max > used || name.startsWith("/rom@");
    }
}
