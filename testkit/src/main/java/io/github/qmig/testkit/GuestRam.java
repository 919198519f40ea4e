package io.github.qmig.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshots of guest RAM for comparing two VMs: the RAM-backed ranges of address space "memory"
 * (from HMP {@code info mtree -f}), each hashed via {@code pmemsave} + SHA-256.
 *
 * <p>Two VMs hold the same RAM (as far as the guest can see it) when their snapshots are equal.
 * Works for x86 {@code pc}/{@code q35}, aarch64/riscv64 {@code virt}, ppc64 {@code pseries} and
 * s390x {@code s390-ccw-virtio}.
 */
public final class GuestRam {
    /** Range types from {@code info mtree -f} that are backed by RAM ({@code nv-} prefixes removed). */
    static final Set<String> RAM_TYPES = Set.of("ram", "rom", "romd");

    private static final Pattern FLATVIEW = Pattern.compile("^FlatView #\\d+\\s*$");
    private static final Pattern AS_LINE = Pattern.compile("^\\s*AS \"([^\"]*)\".*$");
    private static final Pattern RANGE = Pattern.compile(
            "^\\s+([0-9a-fA-F]+)-([0-9a-fA-F]+) \\(prio (-?\\d+), ([^)]*)\\): (.*?)"
                    + "(?: @([0-9a-fA-F]+))?((?: [A-Z][A-Za-z]*)*)\\s*$");

    private GuestRam() {}

    /**
     * Parses {@code info mtree -f} output and returns the RAM-backed ranges (types {@code ram},
     * {@code rom}, {@code romd}) of the flat view that serves address space {@code "memory"}, in
     * address order, without hashes.
     *
     * @throws IllegalArgumentException if no flat view lists address space "memory"
     */
    public static List<RamRange> parseMtree(String mtree) {
        return parseMtree(mtree, "memory");
    }

    /** Like {@link #parseMtree(String)} for another address space name. */
    public static List<RamRange> parseMtree(String mtree, String addressSpace) {
        List<RamRange> out = new ArrayList<>();
        boolean inView = false;
        boolean selected = false;
        boolean found = false;
        for (String line : mtree.split("\\R")) {
            if (FLATVIEW.matcher(line).matches()) {
                if (selected) {
                    break; // the view we wanted is complete
                }
                inView = true;
                continue;
            }
            if (!inView) {
                continue;
            }
            Matcher as = AS_LINE.matcher(line);
            if (as.matches()) {
                if (as.group(1).equals(addressSpace)) {
                    selected = true;
                    found = true;
                }
                continue;
            }
            if (!selected) {
                continue;
            }
            Matcher m = RANGE.matcher(line);
            if (!m.matches()) {
                continue; // "Root memory region: ...", blank lines, "No rendered FlatView"
            }
            String type = m.group(4).trim();
            if (type.startsWith("nv-")) {
                type = type.substring(3);
            }
            if (!RAM_TYPES.contains(type)) {
                continue;
            }
            long start = Long.parseUnsignedLong(m.group(1), 16);
            long end = Long.parseUnsignedLong(m.group(2), 16);
            long offset = m.group(6) == null ? 0 : Long.parseUnsignedLong(m.group(6), 16);
            out.add(new RamRange(start, end - start + 1, m.group(5).trim(), offset, null));
        }
        if (!found) {
            throw new IllegalArgumentException("no flat view for address space \"" + addressSpace + "\" in mtree output");
        }
        return out;
    }

    /**
     * Hashes the RAM of a (preferably paused) VM: parses its {@code info mtree -f} and {@code
     * pmemsave}s every RAM range into the VM's work directory, then SHA-256.
     */
    public static List<RamRange> snapshot(QemuVm vm) {
        List<RamRange> ranges = parseMtree(vm.hmp("info mtree -f"));
        List<RamRange> out = new ArrayList<>(ranges.size());
        Path dump = vm.workDir().resolve("pmemsave.bin");
        try {
            for (RamRange r : ranges) {
                vm.pmemsave(r.start(), r.length(), dump);
                out.add(r.withSha256(sha256(dump)));
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Lowercase hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * A readable list of the differences between two snapshots (empty if equal), for assertion
     * messages.
     */
    public static List<String> differences(List<RamRange> expected, List<RamRange> actual) {
        List<String> diffs = new ArrayList<>();
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            RamRange e = i < expected.size() ? expected.get(i) : null;
            RamRange a = i < actual.size() ? actual.get(i) : null;
            if (e == null || !e.equals(a)) {
                diffs.add("expected " + e + " but was " + a);
            }
        }
        return diffs;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
