package io.github.qmig.testkit.qcow2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.GuestRam;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.QemuVm;
import io.github.qmig.testkit.QmpException;
import io.github.qmig.testkit.RamRange;
import io.github.qmig.testkit.TestGuest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Generates the qcow2 internal-snapshot fixtures of {@link Qcow2FixtureCatalog} into {@code
 * testdata/qcow2/}.
 *
 * <p>For each fixture: {@code qemu-img create} makes the image; a QEMU runs the test guest with it
 * as its IDE disk ({@code -blockdev} node {@value Qcow2FixtureSpec#DISK_NODE}) and the spec's steps
 * take and delete internal snapshots ({@code savevm}, {@code snapshot-save}, {@code delvm}) and
 * write disk clusters ({@code qemu-io}); QEMU quits. Then {@code qemu-img snapshot -l}, {@code
 * qemu-img info --output=json} and {@code qemu-img check --output=json} describe the image, and
 * every snapshot that has VM state is loaded into a fresh QEMU ({@code -loadvm NAME -S}, on a copy
 * of the image since loading rewrites the active L1 table) whose guest RAM is hashed ({@link
 * GuestRam}). The image is compressed to {@code NAME.qcow2.zst} (zstd 19, long window 2^27,
 * checksum) and the sidecar {@code NAME.json} written.
 *
 * <pre>
 * Qcow2FixtureGenerator [--out DIR] [--list] [NAME|PREFIX* ...]
 * </pre>
 */
public final class Qcow2FixtureGenerator {
    private static final Duration FILL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Suffix of the compressed images. */
    public static final String SUFFIX = ".qcow2.zst";

    private final Path outDir;

    /** A generator writing into {@code outDir}. */
    public Qcow2FixtureGenerator(Path outDir) {
        this.outDir = outDir;
    }

    /** Command-line entry point. */
    public static void main(String[] argv) throws Exception {
        Path out = null;
        boolean list = false;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--out" -> out = Path.of(argv[++i]);
                case "--list" -> list = true;
                case "-h", "--help" -> {
                    System.out.println("usage: Qcow2FixtureGenerator [--out DIR] [--list] [NAME|PREFIX* ...]");
                    return;
                }
                default -> names.addAll(List.of(argv[i].split("[,\\s]+")));
            }
        }
        names.removeIf(String::isBlank);
        List<Qcow2FixtureSpec> specs = select(Qcow2FixtureCatalog.all(), names);
        if (list) {
            specs.forEach(s -> System.out.println(s.name() + "\t" + s.description()));
            return;
        }
        Qcow2FixtureGenerator gen = new Qcow2FixtureGenerator(out != null ? out : Fixtures.testdataDir().resolve("qcow2"));
        int failed = 0;
        for (Qcow2FixtureSpec spec : specs) {
            if (spec.runVm() && Qemu.find(spec.binary()).isEmpty()) {
                System.err.println("SKIP " + spec.name() + ": QEMU binary not found (" + spec.binary() + ")");
                continue;
            }
            long t0 = System.nanoTime();
            try {
                ObjectNode meta = gen.generate(spec);
                System.err.printf(Locale.ROOT, "OK   %-28s %6.1fs  raw %,d bytes%n", spec.name(),
                        (System.nanoTime() - t0) / 1e9, meta.path("image").path("file_size").asLong());
            } catch (Exception e) {
                failed++;
                System.err.println("FAIL " + spec.name() + ": " + e.getMessage());
                e.printStackTrace();
            }
        }
        if (failed > 0) {
            System.err.println(failed + " fixture(s) failed");
            System.exit(1);
        }
    }

    static List<Qcow2FixtureSpec> select(List<Qcow2FixtureSpec> all, List<String> names) {
        if (names.isEmpty()) {
            return all;
        }
        List<Qcow2FixtureSpec> out = new ArrayList<>();
        for (String n : names) {
            boolean prefix = n.endsWith("*");
            String p = prefix ? n.substring(0, n.length() - 1) : n;
            List<Qcow2FixtureSpec> hit = all.stream()
                    .filter(s -> prefix ? s.name().startsWith(p) : s.name().equals(p))
                    .filter(s -> !out.contains(s))
                    .toList();
            if (hit.isEmpty()) {
                throw new IllegalArgumentException("no qcow2 fixture named " + n + "; try --list");
            }
            out.addAll(hit);
        }
        return out;
    }

    /** Generates one fixture and returns its sidecar. */
    public ObjectNode generate(Qcow2FixtureSpec spec) throws IOException {
        Path tmp = Files.createTempDirectory("qmig-qcow2-" + spec.name());
        try {
            return generate(spec, tmp);
        } finally {
            deleteTree(tmp);
        }
    }

    private ObjectNode generate(Qcow2FixtureSpec spec, Path tmp) throws IOException {
        Path testdata = Fixtures.testdataDir();
        Path images = Files.createDirectories(tmp.resolve("images"));
        Path image = images.resolve(spec.name() + ".qcow2");
        Map<String, Path> subst = new LinkedHashMap<>();
        subst.put("${image}", image);
        subst.put("${work}", tmp);
        subst.put("${testdata}", testdata);

        ObjectNode root = JSON.createObjectNode();
        root.put("name", spec.name());
        root.put("description", spec.description());
        ArrayNode notes = JSON.createArrayNode();
        spec.notes().forEach(notes::add);

        List<String> create = new ArrayList<>(List.of("create", "-q", "-f", "qcow2"));
        create.addAll(spec.createOptions());
        create.add(image.toString());
        create.add(spec.diskSize());
        QemuImg.Result created = runIn(images, create);

        ObjectNode imageNode = root.putObject("image");
        imageNode.put("file", spec.name() + SUFFIX);
        imageNode.set("qemu_img_create", strings(unresolve(created.argv(), subst)));
        imageNode.put("qemu_img_version", firstLine(QemuImg.run("--version").stdout()));

        List<String> vmArgs = spec.runVm() ? vmArgs(spec, false) : List.of();
        Map<String, List<RamRange>> sourceRam = new LinkedHashMap<>();
        Map<String, String> madeBy = new LinkedHashMap<>();
        if (spec.runVm()) {
            TestGuest.build();
            ObjectNode vmNode = root.putObject("source_vm");
            runSource(spec, resolve(vmArgs, subst), subst, vmNode, sourceRam, madeBy);
            root.set("args", strings(vmArgs));
            if (spec.recordReplay()) {
                root.set("load_args", strings(vmArgs(spec, true)));
                Path log = tmp.resolve("replay.bin");
                compress(log, outDir(spec.name() + ".replay.bin.zst"));
                root.put("replay_log", spec.name() + ".replay.bin.zst");
            }
        }

        if (!spec.afterVm().isEmpty()) {
            ArrayNode after = root.putArray("after_vm");
            for (List<String> cmd : spec.afterVm()) {
                QemuImg.Result r = QemuImg.runIn(images, resolve(cmd, subst).toArray(String[]::new));
                after.add(strings(unresolve(r.argv(), subst)));
            }
        }

        describe(image, root.putObject("qemu_img"));
        if (spec.runVm()) {
            root.set("snapshots", loadChecks(spec, image, tmp, subst, sourceRam, madeBy,
                    (ArrayNode) root.path("qemu_img").path("info").path("snapshots"), notes));
        }

        if (spec.resizeTo() != null) {
            QemuImg.runIn(image.getParent(), "resize", image.toString(), spec.resizeTo());
            ObjectNode after = root.putObject("after_resize");
            after.put("qemu_img_resize", "qemu-img resize ${image} " + spec.resizeTo());
            describe(image, after.putObject("qemu_img"));
            JsonNode first = root.path("snapshots").path(0);
            ObjectNode load = loadvm(spec, image, tmp, subst, first.path("id").asText(), first.path("name").asText());
            after.set("loadvm", load);
            after.put("loadvm_equals_before_resize",
                    load.path("ram_ranges").equals(first.path("loadvm").path("ram_ranges")));
        }

        imageNode.put("file_size", Files.size(image));
        imageNode.put("file_sha256", GuestRam.sha256(image));
        root.set("notes", notes);
        Files.createDirectories(outDir);
        compress(image, outDir(spec.name() + SUFFIX));
        Files.writeString(outDir(spec.name() + ".json"), JSON.writeValueAsString(root) + "\n");
        return root;
    }

    private Path outDir(String file) throws IOException {
        Files.createDirectories(outDir);
        return outDir.resolve(file);
    }

    /** The VM arguments besides binary, machine and memory, with placeholders. */
    static List<String> vmArgs(Qcow2FixtureSpec spec, boolean replay) {
        List<String> a = new ArrayList<>(List.of("-kernel", "${testdata}/guest/build/qmig-guest.elf",
                "-append", spec.append()));
        if (spec.recordReplay()) {
            a.addAll(List.of("-icount", "shift=auto,rr=" + (replay ? "replay" : "record")
                            + ",rrfile=${work}/replay.bin,rrsnapshot=init",
                    "-drive", "file=${image},format=qcow2,if=none,id=img-direct",
                    "-drive", "driver=blkreplay,if=none,image=img-direct,id=" + Qcow2FixtureSpec.DISK_NODE,
                    "-device", "ide-hd,drive=" + Qcow2FixtureSpec.DISK_NODE + ",bus=ide.0"));
        } else {
            a.addAll(List.of(
                    "-blockdev", "driver=qcow2,node-name=" + Qcow2FixtureSpec.DISK_NODE
                            + ",file.driver=file,file.filename=${image}",
                    "-device", "ide-hd,drive=" + Qcow2FixtureSpec.DISK_NODE + ",bus=ide.0,share-rw=on"));
        }
        return a;
    }

    private void runSource(Qcow2FixtureSpec spec, List<String> args, Map<String, Path> subst, ObjectNode vmNode,
            Map<String, List<RamRange>> sourceRam, Map<String, String> madeBy) throws IOException {
        Path work = Files.createDirectories(subst.get("${work}").resolve("source"));
        ArrayNode steps = JSON.createArrayNode();
        try (QemuVm vm = QemuVm.builder().binary(spec.binary()).machine(spec.machine()).memory(spec.memory())
                .args(args).workDir(work).start()) {
            vmNode.put("qemu_version", vm.qemuVersion());
            vmNode.put("qemu_version_full", vm.qemuVersionString());
            vmNode.put("qemu_binary", spec.binary());
            vmNode.put("machine", spec.machine());
            vmNode.put("machine_type", machineType(vm));
            vmNode.put("memory", spec.memory());
            vmNode.set("command_line", strings(unresolve(vm.commandLine(), subst, spec.binary())));
            TestGuest.awaitFilled(vm, FILL_TIMEOUT);
            for (Qcow2Step step : spec.steps()) {
                ObjectNode s = steps.addObject();
                if (step instanceof Qcow2Step.Savevm sv) {
                    s.put("action", "hmp savevm").put("name", sv.name()).put("paused", sv.paused());
                    snapshot(vm, sv.name(), sv.paused(), s, sourceRam, () -> hmpOk(vm, "savevm " + sv.name()));
                    madeBy.put(sv.name(), "HMP savevm" + (sv.paused() ? " (guest stopped first)" : " (guest running)"));
                } else if (step instanceof Qcow2Step.SnapshotSave ss) {
                    s.put("action", "qmp snapshot-save").put("tag", ss.tag()).put("paused", ss.paused());
                    snapshot(vm, ss.tag(), ss.paused(), s, sourceRam, () -> snapshotSave(vm, ss.tag()));
                    madeBy.put(ss.tag(), "QMP snapshot-save"
                            + (ss.paused() ? " (guest stopped first)" : " (guest running)"));
                } else if (step instanceof Qcow2Step.Delvm dv) {
                    s.put("action", "hmp delvm").put("name", dv.name());
                    hmpOk(vm, "delvm " + dv.name());
                    sourceRam.remove(dv.name());
                } else if (step instanceof Qcow2Step.QemuIo io) {
                    s.put("action", "hmp qemu-io").put("command", io.command());
                    hmpOk(vm, "qemu-io " + Qcow2FixtureSpec.DISK_NODE + " \"" + io.command() + "\"");
                } else if (step instanceof Qcow2Step.Sleep sl) {
                    s.put("action", "sleep").put("millis", sl.millis());
                    sleep(sl.millis());
                }
            }
            vmNode.put("hmp_info_snapshots", vm.hmp("info snapshots"));
            vmNode.set("steps", steps);
            quit(vm);
        }
    }

    private interface Save {
        void run() throws IOException;
    }

    private static void snapshot(QemuVm vm, String name, boolean paused, ObjectNode s,
            Map<String, List<RamRange>> sourceRam, Save save) throws IOException {
        if (paused) {
            vm.stop();
            s.put("guest_generation", TestGuest.generation(vm));
            List<RamRange> ranges = GuestRam.snapshot(vm);
            sourceRam.put(name, ranges);
            save.run();
            vm.cont();
        } else {
            s.put("guest_generation_before", TestGuest.generation(vm));
            save.run();
            s.put("guest_generation_after", TestGuest.generation(vm));
        }
    }

    private static void hmpOk(QemuVm vm, String command) throws IOException {
        String out = vm.hmp(command);
        if (!out.isBlank()) {
            throw new IOException("HMP '" + command + "' said: " + out.strip());
        }
    }

    private static void snapshotSave(QemuVm vm, String tag) throws IOException {
        String job = "save-" + tag;
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("job-id", job);
        a.put("tag", tag);
        a.put("vmstate", Qcow2FixtureSpec.DISK_NODE);
        a.put("devices", List.of(Qcow2FixtureSpec.DISK_NODE));
        vm.execute("snapshot-save", a);
        long deadline = deadline(JOB_TIMEOUT);
        while (true) {
            for (JsonNode j : vm.execute("query-jobs", null)) {
                if (job.equals(j.path("id").asText()) && "concluded".equals(j.path("status").asText())) {
                    vm.execute("job-dismiss", Map.of("id", job));
                    if (j.has("error")) {
                        throw new IOException("snapshot-save " + tag + " failed: " + j.path("error").asText());
                    }
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("snapshot-save " + tag + " did not conclude within " + JOB_TIMEOUT);
            }
            sleep(50);
        }
    }

    /** Asks QEMU to quit (so that the image is closed cleanly) and waits for the process to end. */
    private static void quit(QemuVm vm) {
        try {
            vm.execute("quit", null);
        } catch (QmpException e) {
            // the connection may close before the reply
        }
        long deadline = deadline(Duration.ofSeconds(30));
        while (vm.isAlive() && System.nanoTime() < deadline) {
            sleep(50);
        }
        if (vm.isAlive()) {
            throw new QmpException("QEMU did not quit");
        }
    }

    private void describe(Path image, ObjectNode node) throws IOException {
        node.put("tz", QemuImg.TZ);
        String path = image.toString();
        QemuImg.Result list = QemuImg.tryRunIn(image.getParent(), "snapshot", "-l", path);
        if (list.ok()) {
            node.put("snapshot_list", list.stdout());
        } else {
            node.put("snapshot_list_error", list.stderr().strip().replace(path, "${image}"));
        }
        QemuImg.Result info = QemuImg.tryRunIn(image.getParent(), "info", "--output=json", path);
        if (info.ok()) {
            node.set("info", JSON.readTree(info.stdout().replace(path, "${image}")));
        } else {
            node.put("info_error", info.stderr().strip().replace(path, "${image}"));
        }
        QemuImg.Result check = QemuImg.tryRunIn(image.getParent(), "check", "--output=json", path);
        if (!check.stdout().isBlank()) {
            node.set("check", JSON.readTree(check.stdout().replace(path, "${image}")));
        } else {
            node.put("check_error", check.stderr().strip().replace(path, "${image}"));
        }
    }

    private ArrayNode loadChecks(Qcow2FixtureSpec spec, Path image, Path tmp, Map<String, Path> subst,
            Map<String, List<RamRange>> sourceRam, Map<String, String> madeBy, ArrayNode listed, ArrayNode notes)
            throws IOException {
        ArrayNode out = JSON.createArrayNode();
        Set<String> seenNames = new HashSet<>();
        Map<String, String> hashById = new LinkedHashMap<>();
        for (JsonNode sn : listed) {
            String id = sn.path("id").asText();
            String name = sn.path("name").asText();
            ObjectNode o = out.addObject();
            o.put("id", id);
            o.put("name", name);
            o.put("vm_state_size", sn.path("vm-state-size").asLong());
            o.put("made_by", madeBy.getOrDefault(name, spec.recordReplay() && "init".equals(name)
                    ? "-icount ...,rrsnapshot=init at start-up"
                    : spec.afterVm().stream().anyMatch(c -> c.contains(name)) ? "qemu-img snapshot -c (no VM state)"
                    : "?"));
            boolean firstOfName = seenNames.add(name);
            if (!firstOfName) {
                o.put("loadvm_skipped", "an earlier snapshot has the same name; -loadvm NAME finds that one");
                continue;
            }
            ObjectNode load = loadvm(spec, image, tmp, subst, id, name);
            o.set("loadvm", load);
            List<RamRange> src = sourceRam.get(name);
            if (src != null && madeBy.containsKey(name)) {
                o.set("source_ram_ranges", JSON.valueToTree(src));
                if (load.has("ram_ranges")) {
                    List<RamRange> loaded = List.of(JSON.treeToValue(load.get("ram_ranges"), RamRange[].class));
                    List<String> diffs = GuestRam.differences(src, loaded);
                    o.put("loadvm_equals_source", diffs.isEmpty());
                    if (!diffs.isEmpty()) {
                        notes.add("-loadvm " + name + " (ID " + id + ") did not restore that snapshot's source RAM: "
                                + diffs.size() + " range(s) differ.");
                    }
                }
            }
            if (load.has("ram_ranges")) {
                String key = load.get("ram_ranges").toString();
                for (Map.Entry<String, String> e : hashById.entrySet()) {
                    if (e.getValue().equals(key)) {
                        notes.add("-loadvm " + name + " (ID " + id + ") gave the same RAM as the snapshot with ID "
                                + e.getKey() + ".");
                    }
                }
                hashById.put(id, key);
            }
        }
        return out;
    }

    /** Loads snapshot {@code name} into a fresh paused QEMU (on a copy of the image) and hashes its RAM. */
    private ObjectNode loadvm(Qcow2FixtureSpec spec, Path image, Path tmp, Map<String, Path> subst, String id,
            String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("load-" + id));
        Path copy = dir.resolve(image.getFileName());
        Files.copy(image, copy, StandardCopyOption.REPLACE_EXISTING);
        Map<String, Path> s = new LinkedHashMap<>(subst);
        s.put("${image}", copy);
        List<String> args = new ArrayList<>(vmArgs(spec, true));
        if (!spec.recordReplay()) {
            args.addAll(List.of("-loadvm", name));
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("qemu_binary", spec.binary());
        Path work = Files.createDirectories(dir.resolve("vm"));
        try (QemuVm vm = QemuVm.builder().binary(spec.binary()).machine(spec.machine()).memory(spec.memory())
                .args(resolve(args, s)).paused(true).workDir(work).start()) {
            List<String> cmd = new ArrayList<>(unresolve(vm.commandLine(), s, spec.binary()));
            o.set("command_line", strings(cmd));
            if (spec.recordReplay()) {
                String r = vm.hmp("loadvm " + name);
                o.put("hmp", "loadvm " + name);
                if (!r.isBlank()) {
                    o.put("error", r.strip());
                    return o;
                }
            }
            o.put("status", vm.status());
            o.set("ram_ranges", JSON.valueToTree(GuestRam.snapshot(vm)));
        } catch (QmpException e) {
            String m = e.getMessage();
            int i = m.indexOf("--- QEMU stderr");
            o.put("error", i < 0 ? lastLines(m, 4) : lastLines(m.substring(m.indexOf('\n', i) + 1), 4));
        }
        return o;
    }

    private static String machineType(QemuVm vm) {
        String t = vm.execute("qom-get", Map.of("path", "/machine", "property", "type")).asText();
        return t.endsWith("-machine") ? t.substring(0, t.length() - "-machine".length()) : t;
    }

    private static QemuImg.Result runIn(Path dir, List<String> args) throws IOException {
        return QemuImg.runIn(dir, args.toArray(String[]::new));
    }

    static List<String> resolve(List<String> args, Map<String, Path> subst) {
        List<String> out = new ArrayList<>(args.size());
        for (String a : args) {
            for (Map.Entry<String, Path> e : subst.entrySet()) {
                a = a.replace(e.getKey(), e.getValue().toString());
            }
            out.add(a);
        }
        return out;
    }

    static List<String> unresolve(List<String> argv, Map<String, Path> subst) {
        return unresolve(argv, subst, null);
    }

    static List<String> unresolve(List<String> argv, Map<String, Path> subst, String binary) {
        List<String> out = new ArrayList<>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            String a = i == 0 && binary != null ? binary : argv.get(i);
            for (Map.Entry<String, Path> e : subst.entrySet()) {
                a = a.replace(e.getValue().toString(), e.getKey());
            }
            out.add(a);
        }
        return out;
    }

    private static ArrayNode strings(List<String> list) {
        ArrayNode a = JSON.createArrayNode();
        list.forEach(a::add);
        return a;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s.strip() : s.substring(0, nl).strip();
    }

    private static String lastLines(String s, int n) {
        String[] lines = s.strip().split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - n), lines.length));
    }

    /** Compresses with zstd level 19, long-distance matching (window 2^27), checksum. */
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

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (Boolean.getBoolean("qmig.keepVmDirs")) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
