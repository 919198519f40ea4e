package io.github.qmig.snapshots.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What differs between two saved states A and B ({@code qmig diff}). The JSON field names are a
 * contract: {@code identical, ram[{block, page_size, pages_differ, ranges[[offset, length]]}],
 * blocks_only_in_a, blocks_only_in_b, devices[{section, instance, change, fields[{path, type, old,
 * new}]}], configuration[{field, a, b}]}; ranges are byte offsets and lengths within the block.
 *
 * <p>{@code pages_differ} is what LibAFL's SYX snapshots call page inconsistencies
 * ({@code syx_snapshot_check}: pages whose content differs from a reference snapshot).
 *
 * @param ram            per RAM block of B, then per block only in A: the pages that differ
 * @param blocksOnlyInA  names of blocks A has and B not
 * @param blocksOnlyInB  names of blocks B has and A not
 * @param devices        device sections added, removed or changed
 * @param configuration  differences in the configuration record
 */
public record StateDiff(String a, String b, List<BlockDiff> ram, List<String> blocksOnlyInA, List<String> blocksOnlyInB,
                        List<DeviceChange> devices, List<ConfigChange> configuration) {

    public StateDiff {
        ram = List.copyOf(ram);
        blocksOnlyInA = List.copyOf(blocksOnlyInA);
        blocksOnlyInB = List.copyOf(blocksOnlyInB);
        devices = List.copyOf(devices);
        configuration = List.copyOf(configuration);
    }

    /**
     * One block's changed pages.
     *
     * @param ranges coalesced runs of changed pages, {@code [offset, length]} in bytes, in order
     */
    public record BlockDiff(String block, int pageSize, long usedLength, long pagesDiffer, List<long[]> ranges) {
        public BlockDiff {
            ranges = List.copyOf(ranges);
        }
    }

    /** How a device section changed. */
    public enum Change { ADDED, REMOVED, CHANGED }

    /**
     * A device section that differs.
     *
     * @param fields the decoded fields whose values differ (empty when the section could not be
     *               decoded; {@code note} says why)
     */
    public record DeviceChange(String section, long instance, Change change, List<FieldChange> fields, String note) {
        public DeviceChange {
            fields = List.copyOf(fields);
        }
    }

    /**
     * A field whose value differs; values as {@link DeviceFields#render} writes them, null where
     * the field is absent on that side (another layout).
     */
    public record FieldChange(String path, String type, String oldValue, String newValue) {
    }

    /** A configuration item that differs: machine, page size, target page bits, capabilities, uuid. */
    public record ConfigChange(String field, String a, String b) {
    }

    /** Whether nothing differs. */
    public boolean identical() {
        return pagesDiffer() == 0 && blocksOnlyInA.isEmpty() && blocksOnlyInB.isEmpty() && devices.isEmpty()
                && configuration.isEmpty();
    }

    /** Changed pages over all blocks. */
    public long pagesDiffer() {
        return ram.stream().mapToLong(BlockDiff::pagesDiffer).sum();
    }

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode o = m.createObjectNode();
        o.put("a", a);
        o.put("b", b);
        o.put("identical", identical());
        o.put("pages_differ", pagesDiffer());
        ArrayNode r = o.putArray("ram");
        for (BlockDiff d : ram) {
            ObjectNode bo = r.addObject();
            bo.put("block", d.block());
            bo.put("page_size", d.pageSize());
            bo.put("used_length", d.usedLength());
            bo.put("pages_differ", d.pagesDiffer());
            ArrayNode ranges = bo.putArray("ranges");
            for (long[] x : d.ranges()) {
                ranges.addArray().add(x[0]).add(x[1]);
            }
        }
        blocksOnlyInA.forEach(o.putArray("blocks_only_in_a")::add);
        blocksOnlyInB.forEach(o.putArray("blocks_only_in_b")::add);
        ArrayNode devs = o.putArray("devices");
        for (DeviceChange d : devices) {
            ObjectNode x = devs.addObject();
            x.put("section", d.section());
            x.put("instance", d.instance());
            x.put("change", d.change().name().toLowerCase(java.util.Locale.ROOT));
            ArrayNode fields = x.putArray("fields");
            for (FieldChange f : d.fields()) {
                fields.addObject().put("path", f.path()).put("type", f.type()).put("old", f.oldValue()).put("new", f.newValue());
            }
            if (d.note() != null) {
                x.put("note", d.note());
            }
        }
        ArrayNode conf = o.putArray("configuration");
        for (ConfigChange c : configuration) {
            conf.addObject().put("field", c.field()).put("a", c.a()).put("b", c.b());
        }
        return o;
    }
}
