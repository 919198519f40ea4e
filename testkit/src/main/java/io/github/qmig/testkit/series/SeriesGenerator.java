package io.github.qmig.testkit.series;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdOutputStream;
import io.github.qmig.testkit.FixtureLoader;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.GuestRam;
import io.github.qmig.testkit.QemuVm;
import io.github.qmig.testkit.QmpException;
import io.github.qmig.testkit.RamRange;
import io.github.qmig.testkit.TestGuest;
import io.github.qmig.testkit.series.SeriesMetadata.BlockDiff;
import io.github.qmig.testkit.series.SeriesMetadata.DeviceChange;
import io.github.qmig.testkit.series.SeriesMetadata.GuestStatus;
import io.github.qmig.testkit.series.SeriesMetadata.Pair;
import io.github.qmig.testkit.series.SeriesMetadata.RamBlock;
import io.github.qmig.testkit.series.SeriesMetadata.Save;
import io.github.qmig.testkit.series.SeriesMetadata.Twin;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Generates {@code testdata/series/}: several saves of ONE running QEMU process (the test guest in
 * its {@code walk=} mode, rewriting a moving window of pages), each saved with {@code migrate
 * file:} while the guest runs, dumped with {@code pmemsave} right after the save (the VM is then
 * paused in run state {@code postmigrate}), and resumed with {@code cont}.
 *
 * <p>Writes one ordinary fixture per save ({@code <name>-sN.mig.zst} + sidecar, loadable with
 * {@link FixtureLoader}) and {@code series.json} ({@link SeriesMetadata}): the changed pages of
 * every consecutive pair and of save 0 against every later save, computed from the dumps, and the
 * device fields that differ, computed from the files.
 *
 * <pre>
 * SeriesGenerator [--out DIR] [--saves N] [--interval-ms MS] [--no-mapped-ram] [--no-twin]
 *                 [--no-verify] [--keep-raw]
 * </pre>
 */
public final class SeriesGenerator {
    static final String NAME = "x86-pc-128M-series";
    static final String MACHINE = "pc";
    static final String MEMORY = "128M";
    static final int FILL_MIB = 10;
    static final int WALK_KIB = 8192;
    static final String APPEND = "fill=" + FILL_MIB + " walk=" + WALK_KIB;
    static final List<String> ICOUNT = List.of("-icount", "shift=10,sleep=on,align=on");
    static final int PAGE = 4096;
    private static final Pattern RAMBLOCK = Pattern.compile(
            "^\\s*(\\S+)\\s+\\d+ [KMG]iB\\s+0x([0-9a-fA-F]+)\\s+0x([0-9a-fA-F]+)\\s+0x([0-9a-fA-F]+)\\s+0x[0-9a-fA-F]+\\s+(r[ow])\\s*$");

    private Path outDir;
    private int saves = 6;
    private long intervalMs = 1000;
    private boolean mappedRamSave = true;
    private boolean twin = true;
    private boolean verify = true;
    private boolean keepRaw;
    /** Pages the walk must have rewritten before save 0 (so that the window wraps mid-series). */
    private long firstAtPage = 1300;

    /** Command-line entry point. */
    public static void main(String[] argv) throws Exception {
        SeriesGenerator g = new SeriesGenerator();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--out" -> g.outDir = Path.of(argv[++i]);
                case "--saves" -> g.saves = Integer.parseInt(argv[++i]);
                case "--interval-ms" -> g.intervalMs = Long.parseLong(argv[++i]);
                case "--first-at-page" -> g.firstAtPage = Long.parseLong(argv[++i]);
                case "--no-mapped-ram" -> g.mappedRamSave = false;
                case "--no-twin" -> g.twin = false;
                case "--no-verify" -> g.verify = false;
                case "--keep-raw" -> g.keepRaw = true;
                case "-h", "--help" -> {
                    System.out.println("usage: SeriesGenerator [--out DIR] [--saves N] [--interval-ms MS]"
                            + " [--first-at-page N] [--no-mapped-ram] [--no-twin] [--no-verify] [--keep-raw]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + argv[i]);
            }
        }
        if (g.outDir == null) {
            g.outDir = Fixtures.testdataDir().resolve("series");
        }
        long t0 = System.nanoTime();
        SeriesMetadata m = g.generate();
        System.err.printf(Locale.ROOT, "OK   %s: %d saves, %d pairs in %.1fs%n", m.name(), m.saves().size(),
                m.pairs().size(), (System.nanoTime() - t0) / 1e9);
    }

    /** One save as taken. */
    private record Taken(int index, String fixture, boolean mapped, Path raw, List<RamRange> ranges, List<Path> dumps,
            JsonNode query, String runState, long startedAtMs, long guestRunMs) {}

    SeriesMetadata generate() throws IOException {
        Path testdata = Fixtures.testdataDir();
        TestGuest.build();
        Path tmp = Files.createTempDirectory("qmig-series");
        try {
            return generate(testdata, tmp);
        } finally {
            if (!keepRaw) {
                deleteTree(tmp);
            } else {
                System.err.println("kept " + tmp);
            }
        }
    }

    private SeriesMetadata generate(Path testdata, Path tmp) throws IOException {
        List<String> args = new ArrayList<>(ICOUNT);
        args.addAll(List.of("-kernel", "${testdata}/guest/build/qmig-guest.elf", "-append", APPEND));
        Path work = Files.createDirectories(tmp.resolve("vm"));
        Path dumpDir = Files.createDirectories(tmp.resolve("dumps"));
        List<String> notes = new ArrayList<>();
        List<Taken> taken = new ArrayList<>();
        int total = saves + (mappedRamSave ? 1 : 0);
        String version;
        String versionFull;
        String machineType;
        List<String> commandLine;
        String ramblockInfo;
        try (QemuVm vm = QemuVm.builder()
                .machine(MACHINE)
                .memory(MEMORY)
                .args(FixtureLoader.resolveArgs(args, testdata, work))
                .workDir(work)
                .start()) {
            version = vm.qemuVersion();
            versionFull = vm.qemuVersionString();
            machineType = vm.execute("qom-get", Map.of("path", "/machine", "property", "type")).asText()
                    .replaceFirst("-machine$", "");
            TestGuest.awaitFilled(vm, Duration.ofSeconds(180));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (TestGuest.generation(vm) < firstAtPage) {
                if (System.nanoTime() > deadline) {
                    throw new QmpException("walk did not reach page " + firstAtPage);
                }
                Thread.sleep(20);
            }
            ramblockInfo = vm.hmp("info ramblock");
            long t0 = 0;
            long lastCont = 0;
            for (int i = 0; i < total; i++) {
                boolean mapped = mappedRamSave && i == total - 1;
                String fixture = NAME + "-s" + i + (mapped ? "-mapped-ram" : "");
                if (mapped) {
                    vm.setCapabilities(Map.of("mapped-ram", true)); // after earlier migrations of this process
                }
                Path raw = tmp.resolve(fixture + ".mig");
                long start = System.nanoTime();
                if (i == 0) {
                    t0 = start;
                }
                long guestRun = i == 0 ? 0 : (start - lastCont) / 1_000_000;
                vm.migrateToFile(raw, 0);
                JsonNode q = vm.awaitMigration();
                String state = vm.status();
                if (i == 0) {
                    probeAfterCompletion(vm, tmp, notes);
                }
                List<RamRange> ranges = GuestRam.parseMtree(vm.hmp("info mtree -f"));
                List<RamRange> hashed = new ArrayList<>();
                List<Path> dumps = new ArrayList<>();
                for (int k = 0; k < ranges.size(); k++) {
                    RamRange r = ranges.get(k);
                    Path d = dumpDir.resolve("s" + i + "-r" + k + ".bin");
                    vm.pmemsave(r.start(), r.length(), d);
                    dumps.add(d);
                    hashed.add(r.withSha256(GuestRam.sha256(d)));
                }
                taken.add(new Taken(i, fixture, mapped, raw, hashed, dumps, q, state,
                        (start - t0) / 1_000_000, guestRun));
                System.err.printf(Locale.ROOT, "save %d: %s total-time %d ms, state %s%n", i, fixture,
                        q.path("total-time").asLong(), state);
                if (i < total - 1) {
                    vm.cont();
                    lastCont = System.nanoTime();
                    Thread.sleep(intervalMs);
                }
            }
            commandLine = unresolve(vm.commandLine(), testdata, work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }

        // --- analysis ---
        List<SaveFile> files = new ArrayList<>();
        for (Taken t : taken) {
            files.add(SaveFile.read(t.raw()));
        }
        List<RamBlock> blocks = ramBlocks(ramblockInfo, taken.get(0).ranges(), files.get(0));
        List<Save> saveInfos = new ArrayList<>();
        List<FixtureMetadata> metas = new ArrayList<>();
        for (int i = 0; i < taken.size(); i++) {
            Taken t = taken.get(i);
            SaveFile f = files.get(i);
            long mismatch = Diffs.fileVersusDumps(f, t.ranges(), t.dumps());
            FixtureMetadata meta = metadata(t, version, versionFull, machineType, commandLine, args, false, List.of());
            boolean loaded = false;
            List<String> fnotes = new ArrayList<>();
            fnotes.add("Save " + i + " of the series in series.json (one QEMU process, saved repeatedly while the"
                    + " guest walks; ram_ranges are the source's pmemsave dumps right after this save).");
            if (verify) {
                try {
                    List<RamRange> got = FixtureLoader.loadAndHash(meta, t.raw());
                    List<String> diffs = GuestRam.differences(t.ranges(), got);
                    loaded = diffs.isEmpty();
                    if (!loaded) {
                        fnotes.add("LOAD CHECK FAILED: " + diffs);
                    }
                } catch (QmpException e) {
                    fnotes.add("LOAD CHECK FAILED: " + e.getMessage().lines().findFirst().orElse(""));
                }
            } else {
                fnotes.add("Load check not run (--no-verify).");
            }
            metas.add(metadata(t, version, versionFull, machineType, commandLine, args, loaded, fnotes));
            saveInfos.add(new Save(i, t.fixture(), t.mapped() ? "mapped-ram" : "stream", t.startedAtMs(),
                    t.guestRunMs(), t.query().path("total-time").asLong(), t.query().path("downtime").asLong(),
                    t.query().path("ram").path("dirty-sync-count").asLong(), t.runState(),
                    status(t), f.ramSections, f.ramRecordsPage, f.ramRecordsZero, mismatch == 0, loaded));
            if (mismatch != 0) {
                notes.add("Save " + i + ": " + mismatch + " guest-visible pages in the file differ from the dump.");
            }
        }

        List<Pair> pairs = new ArrayList<>();
        for (int b = 1; b < taken.size(); b++) {
            pairs.add(pair(taken, files, b - 1, b));
        }
        for (int b = 2; b < taken.size(); b++) {
            pairs.add(pair(taken, files, 0, b));
        }
        for (Pair p : pairs) {
            for (BlockDiff d : p.blocks()) {
                if (d.changedPages() != d.fileChangedPages()) {
                    notes.add("Pair " + p.a() + "-" + p.b() + " block " + d.block() + ": " + d.changedPages()
                            + " changed pages in the dumps but " + d.fileChangedPages() + " in the files.");
                }
            }
        }

        List<Twin> twins = new ArrayList<>();
        FixtureMetadata twinMeta = null;
        Path twinRaw = null;
        if (twin) {
            int of = saves - 1;
            Taken src = taken.get(of);
            String fixture = NAME + "-s" + of + "-resaved-mapped-ram";
            twinRaw = tmp.resolve(fixture + ".mig");
            List<RamRange> twinRanges = resave(metas.get(of), src.raw(), twinRaw);
            SaveFile tf = SaveFile.read(twinRaw);
            long changed = 0;
            for (String block : files.get(of).blocks.keySet()) {
                changed += Math.max(0, Diffs.fileDiff(files.get(of), tf, block));
            }
            List<String> unchanged = new ArrayList<>();
            List<DeviceChange> dev = Diffs.deviceDiff(files.get(of), tf, unchanged);
            boolean equal = GuestRam.differences(src.ranges(), twinRanges).isEmpty();
            boolean loaded = false;
            List<String> fnotes = new ArrayList<>();
            fnotes.add("Save " + of + " of the series (" + src.fixture() + ") loaded into a fresh QEMU (-S) and"
                    + " saved again with mapped-ram, never run in between: same guest RAM, mapped-ram layout.");
            Taken tt = new Taken(-1, fixture, true, twinRaw, src.ranges(), List.of(), null, "postmigrate", 0, 0);
            twinMeta = metadata(tt, version, versionFull, machineType, commandLine, args, false, fnotes);
            if (verify) {
                try {
                    loaded = GuestRam.differences(src.ranges(), FixtureLoader.loadAndHash(twinMeta, twinRaw)).isEmpty();
                } catch (QmpException e) {
                    fnotes.add("LOAD CHECK FAILED: " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
            twinMeta = withQuery(metadata(tt, version, versionFull, machineType, commandLine, args, loaded, fnotes),
                    lastResaveQuery);
            twins.add(new Twin(of, fixture, "mapped-ram",
                    "loaded " + src.fixture() + " with -S -incoming defer, then migrate-set-capabilities mapped-ram"
                            + " and migrate file: from the paused destination",
                    equal && loaded, changed, dev));
        }

        // --- write ---
        Files.createDirectories(outDir);
        for (int i = 0; i < taken.size(); i++) {
            Taken t = taken.get(i);
            compress(t.raw(), outDir.resolve(t.fixture() + Fixtures.SUFFIX));
            Fixtures.writeMetadata(metas.get(i), outDir.resolve(t.fixture() + ".json"));
        }
        if (twinMeta != null) {
            compress(twinRaw, outDir.resolve(twinMeta.name() + Fixtures.SUFFIX));
            Fixtures.writeMetadata(twinMeta, outDir.resolve(twinMeta.name() + ".json"));
        }
        notes.add(0, "Saves are live: migrate file: while the guest runs; QEMU stops the guest at switchover, and"
                + " the completed migration leaves it paused in run state postmigrate, where the pmemsave dumps"
                + " were taken; then cont.");
        SeriesMetadata meta = new SeriesMetadata(NAME,
                "One QEMU " + version + " pc guest saved " + total + " times while it rewrites a moving window of"
                        + " pages; page lists from QEMU's own memory dumps",
                version, versionFull, "qemu-system-x86_64", commandLine, MACHINE, machineType, MEMORY, args, PAGE,
                new SeriesMetadata.Guest(APPEND, TestGuest.FILL_BASE, FILL_MIB, WALK_KIB, WALK_KIB / 4,
                        "fill: every word of page p (from fill_base) = 0x51000000|p; walk pass n writes every word of"
                                + " window page p = 0x57000000|(n&0xff)<<16|p (zero instead on even passes when"
                                + " p%16==15), pages in ascending order, wrapping"),
                blocks, saveInfos, pairs, twins, notes);
        meta.write(outDir.resolve("series.json"));
        if (keepRaw) {
            for (Taken t : taken) {
                Files.copy(t.raw(), outDir.resolve(t.fixture() + ".mig"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return meta;
    }

    private JsonNode lastResaveQuery;

    /** Loads {@code raw} paused, saves it again with mapped-ram into {@code out}; returns the source RAM hashes. */
    private List<RamRange> resave(FixtureMetadata meta, Path raw, Path out) throws IOException {
        Path work = Files.createTempDirectory("qmig-series-twin");
        try (QemuVm vm = QemuVm.builder()
                .machine(meta.loadMachine())
                .memory(meta.memory())
                .args(FixtureLoader.resolveArgs(meta.args(), Fixtures.testdataDir(), work))
                .incomingDefer(true)
                .workDir(work)
                .start()) {
            vm.migrateIncoming(QemuVm.fileUri(raw, 0));
            vm.setCapabilities(Map.of("mapped-ram", true));
            vm.migrateToFile(out, 0);
            lastResaveQuery = vm.awaitMigration();
            return GuestRam.snapshot(vm);
        }
    }

    /** What QEMU 10.0.2 says to a second migrate, stop and capability change right after a completed save. */
    private static void probeAfterCompletion(QemuVm vm, Path tmp, List<String> notes) {
        try {
            vm.migrateToFile(tmp.resolve("second.mig"), 0);
            notes.add("A second migrate right after a completed one was ACCEPTED (unexpected).");
            vm.awaitMigration();
        } catch (QmpException e) {
            notes.add("A second migrate while the VM is in postmigrate is refused: \""
                    + e.getMessage().lines().findFirst().orElse("").replaceFirst("^migrate: ", "") + "\"; cont first.");
        }
        vm.stop();
        notes.add("stop in postmigrate returns success and leaves the run state " + vm.status() + ".");
    }

    private Pair pair(List<Taken> taken, List<SaveFile> files, int a, int b) throws IOException {
        Taken ta = taken.get(a);
        Taken tb = taken.get(b);
        if (!sameLayout(ta.ranges(), tb.ranges())) {
            throw new IllegalStateException("guest memory map changed between saves " + a + " and " + b);
        }
        Map<String, Diffs.Runs> runs = Diffs.dumpDiff(ta.ranges(), ta.dumps(), tb.dumps(), PAGE,
                files.get(a).blocks.keySet());
        List<BlockDiff> blocks = Diffs.blockDiffs(files.get(a), files.get(b), runs);
        long changed = blocks.stream().mapToLong(BlockDiff::changedPages).sum();
        List<String> unchanged = new ArrayList<>();
        List<DeviceChange> devices = Diffs.deviceDiff(files.get(a), files.get(b), unchanged);
        return new Pair(a, b, changed, blocks, devices, unchanged);
    }

    private static boolean sameLayout(List<RamRange> x, List<RamRange> y) {
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            RamRange a = x.get(i);
            RamRange b = y.get(i);
            if (a.start() != b.start() || a.length() != b.length() || !a.region().equals(b.region())
                    || a.regionOffset() != b.regionOffset()) {
                return false;
            }
        }
        return true;
    }

    private static GuestStatus status(Taken t) throws IOException {
        for (int k = 0; k < t.ranges().size(); k++) {
            RamRange r = t.ranges().get(k);
            if (r.start() <= TestGuest.STATUS_ADDRESS && TestGuest.STATUS_ADDRESS + 16 <= r.start() + r.length()) {
                byte[] d = Files.readAllBytes(t.dumps().get(k));
                ByteBuffer bb = ByteBuffer.wrap(d, (int) (TestGuest.STATUS_ADDRESS - r.start()), 16)
                        .order(ByteOrder.LITTLE_ENDIAN);
                long magic = bb.getInt() & 0xFFFFFFFFL;
                long done = bb.getInt() & 0xFFFFFFFFL;
                long walkPages = WALK_KIB / 4;
                return new GuestStatus(magic, done, done % walkPages, done / walkPages + 1);
            }
        }
        throw new IllegalStateException("status block not in any RAM range");
    }

    private static List<RamBlock> ramBlocks(String info, List<RamRange> ranges, SaveFile f) {
        List<RamBlock> out = new ArrayList<>();
        Map<String, long[]> parsed = new LinkedHashMap<>();
        Map<String, Boolean> ro = new LinkedHashMap<>();
        for (String line : info.split("\\R")) {
            Matcher m = RAMBLOCK.matcher(line);
            if (m.matches()) {
                parsed.put(m.group(1), new long[] {Long.parseUnsignedLong(m.group(2), 16),
                    Long.parseUnsignedLong(m.group(3), 16)});
                ro.put(m.group(1), m.group(5).equals("ro"));
            }
        }
        for (SaveFile.Block b : f.blocks.values()) {
            List<long[]> gp = new ArrayList<>();
            for (RamRange r : ranges) {
                if (b.name.equals(Diffs.blockOf(r.region(), List.of(b.name)))) {
                    int n = gp.size();
                    if (n > 0 && gp.get(n - 1)[0] + gp.get(n - 1)[1] == r.start()
                            && gp.get(n - 1)[2] + gp.get(n - 1)[1] == r.regionOffset()) {
                        gp.get(n - 1)[1] += r.length();
                    } else {
                        gp.add(new long[] {r.start(), r.length(), r.regionOffset()});
                    }
                }
            }
            long[] p = parsed.get(b.name);
            out.add(new RamBlock(b.name, b.usedLength, p == null ? -1 : p[0], Boolean.TRUE.equals(ro.get(b.name)), gp));
        }
        return out;
    }

    private static FixtureMetadata metadata(Taken t, String version, String versionFull, String machineType,
            List<String> commandLine, List<String> args, boolean loaded, List<String> notes) {
        Map<String, Boolean> caps = t.mapped() ? Map.of("mapped-ram", true) : Map.of();
        long size;
        String sha;
        try {
            size = Files.size(t.raw());
            sha = GuestRam.sha256(t.raw());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new FixtureMetadata(t.fixture(),
                t.index() >= 0 ? "Series save " + t.index() + ": live save of the walking guest (one process, saved"
                        + " repeatedly)" + (t.mapped() ? ", mapped-ram" : "")
                        : "Series twin: a save re-saved with mapped-ram by a second QEMU",
                version, versionFull, "qemu-system-x86_64", commandLine, MACHINE, machineType, MEMORY, args, Map.of(),
                t.index() >= 0 ? "live" : "paused", t.mapped() ? "mapped-ram" : "stream", caps, Map.of(), 0,
                "file:${file}", "qemu-system-x86_64", MACHINE, "file", caps, Map.of(), size, sha, t.query(),
                t.ranges(), loaded, notes);
    }

    private static FixtureMetadata withQuery(FixtureMetadata m, JsonNode q) {
        return new FixtureMetadata(m.name(), m.description(), m.qemuVersion(), m.qemuVersionFull(), m.qemuBinary(),
                m.commandLine(), m.machine(), m.machineType(), m.memory(), m.args(), m.disks(), m.mode(), m.format(),
                m.capabilities(), m.parameters(), m.uriOffset(), m.saveUri(), m.loadBinary(), m.loadMachine(),
                m.loadUri(), m.loadCapabilities(), m.loadParameters(), m.fileSize(), m.fileSha256(), q,
                m.ramRanges(), m.loadVerified(), m.notes());
    }

    private static List<String> unresolve(List<String> argv, Path testdata, Path work) {
        List<String> out = new ArrayList<>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            String a = i == 0 ? "qemu-system-x86_64" : argv.get(i);
            out.add(a.replace(work.toString(), "${work}").replace(testdata.toString(), "${testdata}"));
        }
        return out;
    }

    /** zstd level 19, long window 2^27, checksum (as {@code zstd -19 --long=27 --check}). */
    static void compress(Path raw, Path zst) throws IOException {
        Path tmp = zst.resolveSibling(zst.getFileName() + ".tmp");
        try (InputStream in = Files.newInputStream(raw);
                OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                ZstdOutputStream z = new ZstdOutputStream(fileOut, 19)) {
            z.setLong(27);
            z.setChecksum(true);
            z.setWorkers(2);
            in.transferTo(z);
        }
        Files.move(tmp, zst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
