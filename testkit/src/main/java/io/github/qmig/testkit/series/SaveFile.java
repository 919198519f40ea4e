package io.github.qmig.testkit.series;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately small, independent reader of one QEMU 10 migration file (stream or mapped-ram),
 * only as far as the series fixtures need it: the final content of every RAM page (last record
 * wins) and the bytes of every FULL device section, split into fields with the file's own
 * VMDESCRIPTION JSON.
 *
 * <p>It exists so that the series generator can check its pmemsave-based page lists against the
 * files and name the device fields that change between saves. It is not the project's codec and
 * handles only what the x86 test guest produces: RAM records ZERO, PAGE, EOS, MULTIFD_FLUSH (no
 * XBZRLE, no compression), section footers on, a VMDESCRIPTION at the end.
 */
final class SaveFile {
    static final int SECTION_START = 0x01;
    static final int SECTION_PART = 0x02;
    static final int SECTION_END = 0x03;
    static final int SECTION_FULL = 0x04;
    static final int SUBSECTION = 0x05;
    static final int VMDESCRIPTION = 0x06;
    static final int CONFIGURATION = 0x07;
    static final int COMMAND = 0x08;
    static final int FOOTER = 0x7E;

    private static final int RAM_ZERO = 0x02;
    private static final int RAM_MEM_SIZE = 0x04;
    private static final int RAM_PAGE = 0x08;
    private static final int RAM_EOS = 0x10;
    private static final int RAM_CONTINUE = 0x20;
    private static final int RAM_MULTIFD_FLUSH = 0x200;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One RAM block: where the final content of each page lives in {@link #bytes} (-1 = zero page). */
    static final class Block {
        final String name;
        final long usedLength;
        final long[] pageAt;
        long mappedBitmapOffset = -1;
        long mappedPagesOffset = -1;

        Block(String name, long usedLength, int pageSize) {
            this.name = name;
            this.usedLength = usedLength;
            this.pageAt = new long[(int) (usedLength / pageSize)];
            Arrays.fill(pageAt, -1);
        }
    }

    /** One leaf of a device section as described by the VMDESCRIPTION (offsets relative to the payload). */
    record Leaf(String path, String type, int offset, int size) {}

    /** One FULL section. */
    record Device(String idstr, long instanceId, long versionId, long sectionId, int payloadStart, int payloadEnd,
            List<Leaf> leaves) {
        String key() {
            return idstr + "#" + instanceId;
        }
    }

    final byte[] bytes;
    final int pageSize;
    final String machineType;
    final boolean mappedRam;
    final Map<String, Block> blocks = new LinkedHashMap<>();
    final List<Device> devices = new ArrayList<>();
    final List<String> recordLog = new ArrayList<>();
    int ramRecordsZero;
    int ramRecordsPage;
    int ramSections;

    private final JsonNode vmdesc;
    private int pos;
    private long ramSectionId = -1;
    private Block lastBlock;
    private int deviceIndex;

    private SaveFile(byte[] bytes) {
        this.bytes = bytes;
        this.vmdesc = findVmdesc(bytes);
        this.pageSize = vmdesc.path("page_size").asInt(4096);
        if (be32(0) != 0x5145564DL || be32(4) != 3) {
            throw bad("not a QEVM v3 stream");
        }
        pos = 8;
        String machine = null;
        boolean mapped = false;
        if (u8(pos) == CONFIGURATION) {
            pos++;
            int len = (int) be32(pos);
            pos += 4;
            machine = new String(bytes, pos, len, StandardCharsets.US_ASCII);
            pos += len;
            while (u8(pos) == SUBSECTION) {
                int nlen = u8(pos + 1);
                String name = new String(bytes, pos + 2, nlen, StandardCharsets.US_ASCII);
                pos += 2 + nlen + 4;
                switch (name) {
                    case "configuration/capabilities" -> {
                        long count = be32(pos);
                        pos += 4;
                        for (long i = 0; i < count; i++) {
                            int clen = u8(pos);
                            String cap = new String(bytes, pos + 1, clen, StandardCharsets.US_ASCII);
                            mapped |= cap.equals("mapped-ram");
                            pos += 1 + clen;
                        }
                    }
                    case "configuration/target-page-bits" -> pos += 4;
                    case "configuration/uuid" -> pos += 16;
                    default -> throw bad("unknown configuration subsection " + name);
                }
            }
        }
        this.machineType = machine;
        this.mappedRam = mapped;
        readSections();
        if (mappedRam) {
            readMappedRamBitmaps();
        }
    }

    /** Reads and indexes a whole (uncompressed) migration file. */
    static SaveFile read(Path file) throws IOException {
        return new SaveFile(Files.readAllBytes(file));
    }

    /** Whether page {@code page} of block {@code a} in this file equals the same page in {@code other}. */
    boolean samePage(Block a, SaveFile other, Block b, int page) {
        long pa = a.pageAt[page];
        long pb = b.pageAt[page];
        if (pa < 0 && pb < 0) {
            return true;
        }
        if (pa < 0) {
            return isZero(other.bytes, pb, pageSize);
        }
        if (pb < 0) {
            return isZero(bytes, pa, pageSize);
        }
        return Arrays.equals(bytes, (int) pa, (int) pa + pageSize, other.bytes, (int) pb, (int) pb + pageSize);
    }

    /** Whether page {@code page} of block {@code a} equals {@code pageSize} bytes of {@code buf} at {@code off}. */
    boolean pageEquals(Block a, int page, byte[] buf, int off) {
        long pa = a.pageAt[page];
        if (pa < 0) {
            return isZero(buf, off, pageSize);
        }
        return Arrays.equals(bytes, (int) pa, (int) pa + pageSize, buf, off, off + pageSize);
    }

    private void readSections() {
        while (true) {
            int type = u8(pos);
            int at = pos;
            pos++;
            switch (type) {
                case 0x00 -> {
                    recordLog.add(hex(at) + " EOF");
                    return;
                }
                case COMMAND -> {
                    int cmd = be16(pos);
                    int len = be16(pos + 2);
                    pos += 4 + len;
                    recordLog.add(hex(at) + " COMMAND " + cmd + " len " + len);
                }
                case SECTION_START, SECTION_FULL -> {
                    long id = be32(pos);
                    int len = u8(pos + 4);
                    String idstr = new String(bytes, pos + 5, len, StandardCharsets.US_ASCII);
                    pos += 5 + len;
                    long instance = be32(pos);
                    long version = be32(pos + 4);
                    pos += 8;
                    if (idstr.equals("ram")) {
                        ramSectionId = id;
                        recordLog.add(hex(at) + (type == SECTION_START ? " START " : " FULL ") + id + " ram");
                        readRam();
                    } else if (type == SECTION_FULL) {
                        readDevice(idstr, instance, version, id);
                    } else {
                        throw bad("live section " + idstr + " is not supported here");
                    }
                    footer(id);
                }
                case SECTION_PART, SECTION_END -> {
                    long id = be32(pos);
                    pos += 4;
                    if (id != ramSectionId) {
                        throw bad("PART/END of unknown section " + id);
                    }
                    recordLog.add(hex(at) + (type == SECTION_PART ? " PART " : " END ") + id + " ram");
                    readRam();
                    footer(id);
                }
                default -> throw bad("unexpected record type 0x" + Integer.toHexString(type) + " at " + hex(at));
            }
        }
    }

    private void footer(long id) {
        if (u8(pos) != FOOTER || be32(pos + 1) != id) {
            throw bad("no footer for section " + id + " at " + hex(pos));
        }
        pos += 5;
    }

    private void readRam() {
        ramSections++;
        long mask = pageSize - 1L;
        while (true) {
            long v = be64(pos);
            pos += 8;
            int flags = (int) (v & mask);
            long offset = v & ~mask;
            if ((flags & RAM_MEM_SIZE) != 0) {
                long left = offset;
                while (left > 0) {
                    int len = u8(pos);
                    String name = new String(bytes, pos + 1, len, StandardCharsets.US_ASCII);
                    pos += 1 + len;
                    long used = be64(pos);
                    pos += 8;
                    Block b = new Block(name, used, pageSize);
                    if (mappedRam) {
                        // MappedRamHeader: be32 version, be64 page_size, be64 bitmap_offset, be64 pages_offset
                        b.mappedBitmapOffset = be64(pos + 12);
                        b.mappedPagesOffset = be64(pos + 20);
                        pos = Math.toIntExact(b.mappedPagesOffset + used);
                    }
                    blocks.put(name, b);
                    left -= used;
                }
                continue;
            }
            if (flags == RAM_EOS) {
                return;
            }
            if (flags == RAM_MULTIFD_FLUSH) {
                continue;
            }
            int kind = flags & ~RAM_CONTINUE;
            if (kind != RAM_ZERO && kind != RAM_PAGE) {
                throw bad("RAM flags 0x" + Integer.toHexString(flags) + " not supported here");
            }
            Block b = lastBlock;
            if ((flags & RAM_CONTINUE) == 0) {
                int len = u8(pos);
                String name = new String(bytes, pos + 1, len, StandardCharsets.US_ASCII);
                pos += 1 + len;
                b = blocks.get(name);
                if (b == null) {
                    throw bad("page of unknown block " + name);
                }
            } else if (b == null) {
                throw bad("CONTINUE without a previous block");
            }
            lastBlock = b;
            int page = (int) (offset / pageSize);
            if (kind == RAM_ZERO) {
                pos++; // fill byte, 0
                b.pageAt[page] = -1;
                ramRecordsZero++;
            } else {
                b.pageAt[page] = pos;
                pos += pageSize;
                ramRecordsPage++;
            }
        }
    }

    private void readMappedRamBitmaps() {
        for (Block b : blocks.values()) {
            int pages = b.pageAt.length;
            for (int i = 0; i < pages; i++) {
                int byteAt = (int) (b.mappedBitmapOffset + i / 8);
                boolean set = (bytes[byteAt] >> (i % 8) & 1) != 0; // 64-bit little-endian host words
                b.pageAt[i] = set ? b.mappedPagesOffset + (long) i * pageSize : -1;
            }
        }
    }

    private void readDevice(String idstr, long instance, long version, long id) {
        int start = pos;
        JsonNode devs = vmdesc.path("devices");
        JsonNode d = deviceIndex < devs.size() ? devs.get(deviceIndex) : null;
        deviceIndex++;
        if (d == null || !idstr.equals(d.path("name").asText()) || d.path("instance_id").asLong() != instance) {
            throw bad("VMDESCRIPTION does not match FULL section " + idstr + " at " + hex(start - 1));
        }
        List<Leaf> leaves = new ArrayList<>();
        int end = walk(d, "", start, start, leaves);
        pos = end;
        // A vmsd may name a field like an array element of an earlier field (i8254 has
        // "channels[0].next_transition_time" after the array "channels"): number repeats "#2", "#3".
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Leaf> unique = new ArrayList<>(leaves.size());
        for (Leaf l : leaves) {
            int n = seen.merge(l.path(), 1, Integer::sum);
            unique.add(n == 1 ? l : new Leaf(l.path() + "#" + n, l.type(), l.offset(), l.size()));
        }
        devices.add(new Device(idstr, instance, version, id, start, end, unique));
    }

    /** Walks a vmsd description object from {@code at}; adds leaves (offsets relative to {@code base}); returns the end. */
    private int walk(JsonNode o, String prefix, int at, int base, List<Leaf> out) {
        for (JsonNode f : o.path("fields")) {
            String name = f.path("name").asText();
            if (f.has("index")) {
                name += "[" + f.get("index").asInt() + "]";
            }
            boolean array = f.has("array_len");
            int n = array ? f.get("array_len").asInt() : 1;
            int size = f.path("size").asInt();
            for (int k = 0; k < n; k++) {
                String p = prefix + name + (array ? "[" + k + "]" : "");
                JsonNode nested = f.has("struct") ? f.get("struct") : (f.has("fields") ? f : null);
                boolean done = false;
                if (nested != null) {
                    List<Leaf> inner = new ArrayList<>();
                    try {
                        if (walk(nested, p + ".", at, base, inner) == at + size) {
                            out.addAll(inner);
                            done = true;
                        }
                    } catch (IllegalStateException e) {
                        // not walkable: keep the whole field as one leaf
                    }
                }
                if (!done) {
                    out.add(new Leaf(p, f.path("type").asText(), at - base, size));
                }
                at += size;
            }
        }
        for (JsonNode s : o.path("subsections")) {
            String name = s.path("vmsd_name").asText();
            if (u8(at) != SUBSECTION) {
                throw bad("expected subsection " + name + " at " + hex(at));
            }
            int nlen = u8(at + 1);
            String got = new String(bytes, at + 2, nlen, StandardCharsets.US_ASCII);
            if (!got.equals(name)) {
                throw bad("expected subsection " + name + ", found " + got);
            }
            at = walk(s, prefix + name + ".", at + 2 + nlen + 4, base, out);
        }
        return at;
    }

    private static JsonNode findVmdesc(byte[] b) {
        for (int k = b.length - 6; k > 8; k--) {
            if (b[k] == VMDESCRIPTION && b[k + 5] == '{' && b[k - 1] == 0) {
                long len = ((b[k + 1] & 0xFFL) << 24) | ((b[k + 2] & 0xFF) << 16) | ((b[k + 3] & 0xFF) << 8)
                        | (b[k + 4] & 0xFF);
                if (k + 5 + len == b.length) {
                    try {
                        return JSON.readTree(new String(b, k + 5, (int) len, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new IllegalStateException("VMDESCRIPTION is not JSON", e);
                    }
                }
            }
        }
        throw new IllegalStateException("no VMDESCRIPTION at the end of the file");
    }

    static boolean isZero(byte[] b, long off, int len) {
        for (int i = (int) off, e = (int) off + len; i < e; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    int u8(int at) {
        if (at >= bytes.length) {
            throw bad("truncated at " + hex(at));
        }
        return bytes[at] & 0xFF;
    }

    int be16(int at) {
        return (u8(at) << 8) | u8(at + 1);
    }

    long be32(int at) {
        return ((long) u8(at) << 24) | (u8(at + 1) << 16) | (u8(at + 2) << 8) | u8(at + 3);
    }

    long be64(int at) {
        return (be32(at) << 32) | be32(at + 4);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static IllegalStateException bad(String msg) {
        return new IllegalStateException(msg);
    }
}
