package io.github.qmig.compat.checks;

import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.RamBlockInfo;
import io.github.qmig.compat.qemu.Target;

import java.util.List;
import java.util.Map;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * The RAM block list of the RAM START section, read before any device section (migration/ram.c
 * {@code parse_ramblocks}, {@code parse_ramblock}): every block must exist in the target ({@code
 * qemu_ram_block_by_name}) and be one it migrates, and a length other than its used_length needs
 * a resizeable block no larger than its max_length ({@code qemu_ram_resize}, system/physmem.c).
 * A NIC's option ROM is a block of its own ({@code 0000:00:03.0/virtio-net-pci.rom}), so a missing
 * or moved NIC is named by its ROM before its section. mapped-ram files take another path without
 * the length check. Only a probe knows the configured target's blocks.
 */
public final class RamBlockCheck implements Check {

    private static final String RAM = "ram";

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        List<StreamFacts.Block> blocks = file.blocks();
        if (blocks.isEmpty()) {
            return;
        }
        if (!target.probed()) {
            out.add(CompatCode.RAM_BLOCKS_UNCHECKED, RAM, 0, -1, "the file's %d RAM blocks (%s of %d MiB first) are "
                    + "not checked: which blocks the target has and their sizes follow from its command line (-m, "
                    + "devices and their ROMs); %s", blocks.size(), blocks.get(0).name(), blocks.get(0).length() >> 20,
                    Problems.probeIt(target));
            return;
        }
        Map<String, RamBlockInfo> local = target.probe().blocksByName();
        for (StreamFacts.Block b : blocks) {
            RamBlockInfo t = local.get(b.name());
            if (t == null) {
                if (target.probe().unmigratable().contains(b.name())) {
                    out.add(CompatCode.RAM_BLOCK_UNMIGRATABLE, RAM, 0, b.offset(), "the target has RAM block %s but "
                            + "does not migrate it%s", b.name(), qemu("block %s should not be migrated !", b.name()));
                } else {
                    out.add(CompatCode.RAM_BLOCK_UNKNOWN, RAM, 0, b.offset(), "the target has no RAM block %s%s%s",
                            b.name(), owner(b.name()),
                            qemu("Unknown ramblock \"%s\", cannot accept migration", b.name()));
                }
            } else if (b.length() != t.used() && !file.mappedRam()) {
                if (!t.resizeable()) {
                    out.add(CompatCode.RAM_BLOCK_SIZE, RAM, 0, b.offset(), "RAM block %s has 0x%x bytes in the file "
                            + "and 0x%x in the target%s%s", b.name(), b.length(), t.used(),
                            b.name().endsWith(".ram") ? " (the target's -m or memory backend differs)" : "",
                            qemu("Size mismatch: %s: 0x%x != 0x%x: Invalid argument", b.name(), b.length(), t.used()));
                } else if (b.length() > t.max()) {
                    out.add(CompatCode.RAM_BLOCK_SIZE, RAM, 0, b.offset(), "RAM block %s has 0x%x bytes in the file, "
                            + "more than the target's block can grow to (0x%x)", b.name(), b.length(), t.max(),
                            qemu("Size too large: %s: 0x%x > 0x%x: Invalid argument", b.name(), b.length(), t.max()));
                }
            }
        }
    }

    /** For a device's block ({@code <dev path>/<name>}): which device, as a hint. */
    private static String owner(String block) {
        int slash = block.lastIndexOf('/');
        if (slash <= 0 || block.startsWith("/")) {
            return "";
        }
        return String.format(" (a block of the device at %s, such as its option ROM: the target lacks that device "
                + "there, or gives it no ROM)", block.substring(0, slash));
    }
}
