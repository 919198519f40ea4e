package io.github.qmig.testkit.series;

import io.github.qmig.testkit.RamRange;
import io.github.qmig.testkit.series.SeriesMetadata.BlockDiff;
import io.github.qmig.testkit.series.SeriesMetadata.DeviceChange;
import io.github.qmig.testkit.series.SeriesMetadata.FieldChange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Page and device comparisons for the series fixtures. */
final class Diffs {
    private Diffs() {}

    /** Coalesces changed pages into runs that are contiguous both in guest-physical and in block offsets. */
    static final class Runs {
        final List<long[]> gpa = new ArrayList<>();
        final List<long[]> block = new ArrayList<>();
        long pages;
        long toZero;

        void add(long gpaStart, long blockOffset, long length, int pageSize) {
            pages += length / pageSize;
            int n = gpa.size();
            if (n > 0) {
                long[] g = gpa.get(n - 1);
                long[] b = block.get(n - 1);
                if ((gpaStart < 0 || g[0] + g[1] == gpaStart) && b[0] + b[1] == blockOffset) {
                    g[1] += length;
                    b[1] += length;
                    return;
                }
            }
            gpa.add(new long[] {gpaStart, length});
            block.add(new long[] {blockOffset, length});
        }
    }

    /** The RAM block backing an {@code info mtree -f} region name. */
    static String blockOf(String region, Iterable<String> blockNames) {
        for (String b : blockNames) {
            if (b.equals(region) || b.endsWith("/" + region)) {
                return b;
            }
        }
        return null;
    }

    /**
     * Compares the pmemsave dumps of two saves range by range and returns the changed pages per
     * block (blocks in the order of {@code blockNames}; blocks without guest-visible ranges absent).
     */
    static Map<String, Runs> dumpDiff(List<RamRange> ranges, List<Path> dumpsA, List<Path> dumpsB, int pageSize,
            Iterable<String> blockNames) throws IOException {
        Map<String, Runs> out = new LinkedHashMap<>();
        for (int k = 0; k < ranges.size(); k++) {
            RamRange r = ranges.get(k);
            String block = blockOf(r.region(), blockNames);
            Runs runs = out.computeIfAbsent(block == null ? r.region() : block, x -> new Runs());
            try (InputStream a = Files.newInputStream(dumpsA.get(k)); InputStream b = Files.newInputStream(dumpsB.get(k))) {
                byte[] pa = new byte[pageSize];
                byte[] pb = new byte[pageSize];
                for (long off = 0; off < r.length(); off += pageSize) {
                    int len = (int) Math.min(pageSize, r.length() - off);
                    if (a.readNBytes(pa, 0, len) != len || b.readNBytes(pb, 0, len) != len) {
                        throw new IOException("short dump for range " + r);
                    }
                    if (!Arrays.equals(pa, 0, len, pb, 0, len)) {
                        runs.add(r.start() + off, r.regionOffset() + off, pageSize, pageSize);
                        if (SaveFile.isZero(pb, 0, len)) {
                            runs.toZero++;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Changed pages of one block between two files (blocks must have the same length). */
    static long fileDiff(SaveFile a, SaveFile b, String block) {
        SaveFile.Block ba = a.blocks.get(block);
        SaveFile.Block bb = b.blocks.get(block);
        if (ba == null || bb == null || ba.usedLength != bb.usedLength) {
            return -1;
        }
        long n = 0;
        for (int p = 0; p < ba.pageAt.length; p++) {
            if (!a.samePage(ba, b, bb, p)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Pages of guest-visible ranges where the file's final content differs from the dumps of the
     * same save (0 = the file holds exactly what QEMU's memory held).
     */
    static long fileVersusDumps(SaveFile f, List<RamRange> ranges, List<Path> dumps) throws IOException {
        long bad = 0;
        for (int k = 0; k < ranges.size(); k++) {
            RamRange r = ranges.get(k);
            String block = blockOf(r.region(), f.blocks.keySet());
            if (block == null) {
                throw new IllegalStateException("no RAM block for region " + r.region());
            }
            SaveFile.Block b = f.blocks.get(block);
            byte[] dump = Files.readAllBytes(dumps.get(k));
            for (long off = 0; off < r.length(); off += f.pageSize) {
                int page = (int) ((r.regionOffset() + off) / f.pageSize);
                if (!f.pageEquals(b, page, dump, (int) off)) {
                    bad++;
                }
            }
        }
        return bad;
    }

    /** Block diffs for a pair: pmemsave-based for guest-visible blocks, file-based for the rest. */
    static List<BlockDiff> blockDiffs(SaveFile a, SaveFile b, Map<String, Runs> dumpRuns) {
        List<BlockDiff> out = new ArrayList<>();
        for (String block : a.blocks.keySet()) {
            long fileCount = fileDiff(a, b, block);
            Runs r = dumpRuns.get(block);
            if (r != null) {
                out.add(new BlockDiff(block, "pmemsave", r.pages, r.toZero, r.gpa, r.block, fileCount));
            } else {
                List<long[]> blockRuns = new ArrayList<>();
                SaveFile.Block ba = a.blocks.get(block);
                SaveFile.Block bb = b.blocks.get(block);
                Runs fr = new Runs();
                for (int p = 0; bb != null && p < ba.pageAt.length; p++) {
                    if (!a.samePage(ba, b, bb, p)) {
                        fr.add(-1, (long) p * a.pageSize, a.pageSize, a.pageSize);
                        if (bb.pageAt[p] < 0 || SaveFile.isZero(b.bytes, bb.pageAt[p], b.pageSize)) {
                            fr.toZero++;
                        }
                    }
                }
                blockRuns.addAll(fr.block);
                out.add(new BlockDiff(block, "file", fileCount, fr.toZero, List.of(), blockRuns, fileCount));
            }
        }
        return out;
    }

    /** Device sections whose bytes differ, with the differing fields; fills {@code unchanged}. */
    static List<DeviceChange> deviceDiff(SaveFile a, SaveFile b, List<String> unchanged) {
        Map<String, SaveFile.Device> bs = new LinkedHashMap<>();
        for (SaveFile.Device d : b.devices) {
            bs.put(d.key(), d);
        }
        List<DeviceChange> out = new ArrayList<>();
        for (SaveFile.Device da : a.devices) {
            SaveFile.Device db = bs.remove(da.key());
            if (db == null) {
                out.add(new DeviceChange(da.idstr(), da.instanceId(), List.of(), "only in save a"));
                continue;
            }
            if (Arrays.equals(a.bytes, da.payloadStart(), da.payloadEnd(), b.bytes, db.payloadStart(), db.payloadEnd())) {
                unchanged.add(da.key());
                continue;
            }
            List<FieldChange> fields = new ArrayList<>();
            String note = null;
            Map<String, SaveFile.Leaf> lb = new LinkedHashMap<>();
            for (SaveFile.Leaf l : db.leaves()) {
                lb.put(l.path(), l);
            }
            for (SaveFile.Leaf l : da.leaves()) {
                SaveFile.Leaf m = lb.remove(l.path());
                if (m == null || m.size() != l.size()) {
                    note = "layouts differ";
                    fields.add(new FieldChange(l.path(), l.type(), l.offset(), l.size(),
                            value(a.bytes, da.payloadStart() + l.offset(), l.size(), null, 0),
                            m == null ? "(absent)" : "(size " + m.size() + ")"));
                    continue;
                }
                int oa = da.payloadStart() + l.offset();
                int ob = db.payloadStart() + m.offset();
                if (!Arrays.equals(a.bytes, oa, oa + l.size(), b.bytes, ob, ob + l.size())) {
                    fields.add(new FieldChange(l.path(), l.type(), l.offset(), l.size(),
                            value(a.bytes, oa, l.size(), b.bytes, ob), value(b.bytes, ob, l.size(), a.bytes, oa)));
                }
            }
            for (SaveFile.Leaf m : lb.values()) {
                note = "layouts differ";
                fields.add(new FieldChange(m.path(), m.type(), m.offset(), m.size(), "(absent)",
                        value(b.bytes, db.payloadStart() + m.offset(), m.size(), null, 0)));
            }
            out.add(new DeviceChange(da.idstr(), da.instanceId(), fields, note));
        }
        for (SaveFile.Device db : bs.values()) {
            out.add(new DeviceChange(db.idstr(), db.instanceId(), List.of(), "only in save b"));
        }
        return out;
    }

    /** Hex of a field; buffers over 16 bytes are summarised (with the differing byte count if {@code other} given). */
    static String value(byte[] buf, int off, int size, byte[] other, int otherOff) {
        if (size <= 16) {
            return "0x" + HexFormat.of().formatHex(buf, off, off + size);
        }
        if (other == null) {
            return "(" + size + " bytes)";
        }
        int diff = 0;
        int first = -1;
        for (int i = 0; i < size; i++) {
            if (buf[off + i] != other[otherOff + i]) {
                diff++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (first < 0) {
            return "(" + size + " bytes, equal)";
        }
        int end = Math.min(size, first + 8);
        return "(" + size + " bytes, " + diff + " differ; from +" + first + ": "
                + HexFormat.of().formatHex(buf, off + first, off + end) + ")";
    }
}
