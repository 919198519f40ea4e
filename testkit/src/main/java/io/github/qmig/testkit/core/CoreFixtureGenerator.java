package io.github.qmig.testkit.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import io.github.qmig.testkit.ByteDiff;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.GuestRam;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.QemuVm;
import io.github.qmig.testkit.QmpException;
import io.github.qmig.testkit.TestGuest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Generates the fixtures of {@code testdata/core/}: for one stopped VM, both the migration file
 * ({@code migrate file:}) and the ELF core that QEMU's own {@code dump-guest-memory} (paging off,
 * ELF) writes, plus a sidecar with what the source VM showed (registers, flat view, RAM blocks)
 * and what gdb reads from QEMU's core.
 *
 * <p>Every fixture is checked by loading its migration file into a fresh QEMU and dumping that VM
 * again: the sidecar's {@code reload} says whether the second core equals the first byte for byte
 * (and where it differs if not). Run by {@code testdata/core/regenerate.sh}.
 *
 * <pre>
 * CoreFixtureGenerator [--out DIR] [--list] [--keep-raw] [NAME|PREFIX* ...]
 * </pre>
 */
public final class CoreFixtureGenerator {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration FILL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DUMP_TIMEOUT = Duration.ofSeconds(120);
    /** Where the aarch64 program is loaded and started (start of RAM on virt). */
    static final long AARCH64_PROGRAM_ADDRESS = 0x40200000L;

    /** One fixture: a VM configuration and how its guest is brought to the state that is saved. */
    record Spec(String name, String description, String binary, String machine, String memory,
            List<String> args, Guest guest, String gdb, List<String> notes) {
    }

    /** How the guest runs before {@code stop}. */
    enum Guest {
        /** x86 multiboot kernel that reports DONE at 0x500 ({@link TestGuest#awaitFilled}). */
        X86_KERNEL,
        /** aarch64 program ({@link #aarch64Program()}) started at once, stopped after it settled. */
        AARCH64_PROGRAM
    }

    private final Path outDir;
    private final boolean keepRaw;

    CoreFixtureGenerator(Path outDir, boolean keepRaw) {
        this.outDir = outDir;
        this.keepRaw = keepRaw;
    }

    /** The fixtures, in generation order. {@code ${core}} is testdata/core, {@code ${guest}} testdata/guest/build. */
    static List<Spec> specs() {
        List<String> fill = List.of("-kernel", "${guest}/qmig-guest.elf", "-append", "fill=8");
        List<String> vgaFill = concat(List.of("-device", "VGA"), fill);
        List<String> long64 = List.of("-kernel", "${core}/build/long64.elf");
        List<Spec> out = new ArrayList<>();
        out.add(new Spec("x86-pc-128M-core",
                "x86 pc with -device VGA, 32-bit protected-mode test guest (fill=8), stopped",
                "qemu-system-x86_64", "pc", "128M", vgaFill, Guest.X86_KERNEL, "gdb", List.of()));
        out.add(new Spec("x86-q35-128M-core",
                "x86 q35 with -device VGA, 32-bit protected-mode test guest (fill=8), stopped",
                "qemu-system-x86_64", "q35", "128M", vgaFill, Guest.X86_KERNEL, "gdb", List.of()));
        out.add(new Spec("x86-pc-128M-smp2-core",
                "x86 pc -smp 2 (no VGA), test guest (fill=8) on CPU 0, CPU 1 halted in SeaBIOS after its SMP init",
                "qemu-system-x86_64", "pc", "128M", concat(List.of("-smp", "2"), fill), Guest.X86_KERNEL, "gdb",
                List.of()));
        out.add(new Spec("x86-pc-128M-long64-core",
                "x86 pc (no VGA), testdata/core/long64.S in 64-bit long mode (FS/GS base set), stopped",
                "qemu-system-x86_64", "pc", "128M", long64, Guest.X86_KERNEL, "gdb", List.of()));
        out.add(new Spec("aarch64-virt-128M-core",
                "aarch64 virt cortex-a57: a small program at 0x40200000 set x0-x30, sp, v0-v31, fpsr, fpcr,"
                        + " nzcv and waits in wfi; the 384 KiB blob at 0x41000000",
                "qemu-system-aarch64", "virt", "128M",
                List.of("-cpu", "cortex-a57",
                        "-device", "loader,file=${core}/build/aarch64-prog.bin,addr=0x40200000,cpu-num=0",
                        "-device", "loader,file=${guest}/ram-blob.bin,addr=0x41000000"),
                Guest.AARCH64_PROGRAM, "gdb-multiarch", List.of()));
        return out;
    }

    /** Command-line entry point. */
    public static void main(String[] argv) throws Exception {
        Path out = null;
        boolean keepRaw = false;
        boolean list = false;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--out" -> out = Path.of(argv[++i]);
                case "--keep-raw" -> keepRaw = true;
                case "--list" -> list = true;
                default -> names.addAll(List.of(argv[i].split("[,\\s]+")));
            }
        }
        names.removeIf(String::isBlank);
        List<Spec> specs = select(specs(), names);
        if (list) {
            specs.forEach(s -> System.out.println(s.name() + "\t" + s.description()));
            return;
        }
        Path dir = out != null ? out : Fixtures.testdataDir().resolve("core");
        CoreFixtureGenerator gen = new CoreFixtureGenerator(dir, keepRaw);
        int failed = 0;
        for (Spec spec : specs) {
            if (Qemu.find(spec.binary()).isEmpty()) {
                System.err.println("SKIP " + spec.name() + ": " + spec.binary() + " not found");
                continue;
            }
            long t0 = System.nanoTime();
            try {
                ObjectNode meta = gen.generate(spec);
                System.err.printf(Locale.ROOT, "OK   %-28s %5.1fs  reload dump equal: %s%n", spec.name(),
                        (System.nanoTime() - t0) / 1e9, meta.path("reload").path("core_equal").asText());
            } catch (Exception e) {
                failed++;
                System.err.println("FAIL " + spec.name() + ": " + e.getMessage());
                e.printStackTrace();
            }
        }
        if (failed > 0) {
            System.exit(1);
        }
    }

    private static List<Spec> select(List<Spec> all, List<String> names) {
        if (names.isEmpty()) {
            return all;
        }
        List<Spec> out = new ArrayList<>();
        for (String n : names) {
            boolean prefix = n.endsWith("*");
            String p = prefix ? n.substring(0, n.length() - 1) : n;
            List<Spec> hit = all.stream().filter(s -> prefix ? s.name().startsWith(p) : s.name().equals(p))
                    .filter(s -> !out.contains(s)).toList();
            if (hit.isEmpty()) {
                throw new IllegalArgumentException("no core fixture named " + n);
            }
            out.addAll(hit);
        }
        return out;
    }

    ObjectNode generate(Spec spec) throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory("qmig-core-" + spec.name());
        try {
            return generate(spec, tmp);
        } finally {
            deleteTree(tmp);
        }
    }

    private ObjectNode generate(Spec spec, Path tmp) throws IOException, InterruptedException {
        Path testdata = Fixtures.testdataDir();
        Path coreDir = testdata.resolve("core");
        Path guestDir = TestGuest.build();
        if (spec.guest() == Guest.AARCH64_PROGRAM) {
            Files.createDirectories(coreDir.resolve("build"));
            Files.write(coreDir.resolve("build/aarch64-prog.bin"), aarch64Program());
        }
        List<String> args = new ArrayList<>();
        for (String a : spec.args()) {
            args.add(a.replace("${core}", coreDir.toString()).replace("${guest}", guestDir.toString()));
        }
        Path mig = tmp.resolve(spec.name() + ".mig");
        Path core = tmp.resolve(spec.name() + ".core");
        Path core2 = tmp.resolve(spec.name() + ".reload.core");
        Path work = Files.createDirectories(tmp.resolve("vm"));

        ObjectNode meta = JSON.createObjectNode();
        meta.put("name", spec.name());
        meta.put("description", spec.description());
        List<String> commandLine;
        String mtree;
        List<String> registersBefore;
        List<String> registersAfter;
        try (QemuVm vm = QemuVm.builder().binary(spec.binary()).machine(spec.machine()).memory(spec.memory())
                .args(args).workDir(work).start()) {
            meta.put("qemu_version", vm.qemuVersion());
            meta.put("qemu_version_full", vm.qemuVersionString());
            meta.put("qemu_binary", spec.binary());
            if (spec.guest() == Guest.X86_KERNEL) {
                TestGuest.awaitFilled(vm, FILL_TIMEOUT);
                sleep(100); // let the guest reach its final hlt
            } else {
                sleep(500);
            }
            vm.stop();
            commandLine = vm.commandLine();
            meta.put("machine", spec.machine());
            meta.put("machine_type", vm.execute("qom-get", Map.of("path", "/machine", "property", "type"))
                    .asText().replaceFirst("-machine$", ""));
            meta.put("memory", spec.memory());
            meta.set("args", JSON.valueToTree(spec.args()));
            JsonNode cpus = vm.execute("query-cpus-fast", null);
            mtree = vm.hmp("info mtree -f");
            String ramblock = vm.hmp("info ramblock");
            registersBefore = registers(vm, cpus);

            vm.execute("dump-guest-memory", dumpArgs(core), DUMP_TIMEOUT);
            JsonNode dumpResult = awaitDump(vm);
            registersAfter = registers(vm, cpus);

            vm.migrateToFile(mig, 0);
            JsonNode query = vm.awaitMigration();
            List<String> registersAfterMigrate = registers(vm, cpus);

            meta.set("cpus", cpus);
            ObjectNode m = meta.putObject("migration");
            m.put("file", spec.name() + ".mig.zst");
            m.put("uri", "file:${file}");
            m.put("file_size", Files.size(mig));
            m.put("file_sha256", GuestRam.sha256(mig));
            m.set("query_migrate", query);
            ObjectNode c = meta.putObject("core");
            c.put("file", spec.name() + ".core.zst");
            c.set("dump_guest_memory", JSON.valueToTree(dumpArgs(Path.of("${file}"))));
            c.put("file_size", Files.size(core));
            c.put("file_sha256", GuestRam.sha256(core));
            c.set("query_dump", dumpResult);
            c.put("order", "stop, dump-guest-memory, then migrate (the same stopped VM)");
            ArrayNode regs = meta.putArray("info_registers");
            for (int i = 0; i < registersBefore.size(); i++) {
                ObjectNode r = regs.addObject();
                r.put("cpu_index", cpus.get(i).path("cpu-index").asInt());
                r.put("qom_path", cpus.get(i).path("qom-path").asText());
                r.put("output", registersBefore.get(i));
            }
            meta.put("registers_unchanged_by_dump_and_migrate",
                    registersBefore.equals(registersAfter) && registersBefore.equals(registersAfterMigrate));
            meta.put("info_mtree_f", mtree);
            meta.put("info_ramblock", ramblock);
            meta.set("ram_ranges", JSON.valueToTree(GuestRam.parseMtree(mtree)));
        }
        meta.set("command_line", JSON.valueToTree(unresolve(commandLine, spec.binary(), coreDir, guestDir, work)));
        meta.set("gdb", gdb(spec.gdb(), core));

        // The check: the VM loaded from the migration file dumps the same core.
        ObjectNode reload = meta.putObject("reload");
        Path work2 = Files.createDirectories(tmp.resolve("vm2"));
        try (QemuVm vm = QemuVm.builder().binary(spec.binary()).machine(spec.machine()).memory(spec.memory())
                .args(args).workDir(work2).incomingDefer(true).start()) {
            vm.migrateIncoming(QemuVm.fileUri(mig, 0));
            JsonNode cpus = vm.execute("query-cpus-fast", null);
            vm.execute("dump-guest-memory", dumpArgs(core2), DUMP_TIMEOUT);
            awaitDump(vm);
            reload.put("registers_equal", registers(vm, cpus).equals(registersBefore));
            String mtree2 = vm.hmp("info mtree -f");
            reload.put("mtree_equal", mtree2.equals(mtree));
            if (!mtree2.equals(mtree)) {
                ArrayNode md = reload.putArray("mtree_lines_only_in_reloaded");
                List<String> before = mtree.lines().toList();
                mtree2.lines().filter(l -> !before.contains(l)).forEach(md::add);
                reload.put("mtree_same_lines_sorted",
                        mtree2.lines().sorted().toList().equals(mtree.lines().sorted().toList()));
                ArrayNode ms = reload.putArray("mtree_lines_only_in_source");
                List<String> after = mtree2.lines().toList();
                before.stream().filter(l -> !after.contains(l)).forEach(ms::add);
            }
        }
        reload.put("core_sha256", GuestRam.sha256(core2));
        List<Long> diffs = ByteDiff.offsets(core, core2, 200);
        reload.put("core_equal", diffs.isEmpty() && Files.size(core) == Files.size(core2));
        ArrayNode d = reload.putArray("core_diff_offsets");
        diffs.forEach(o -> d.add("0x" + Long.toHexString(o)));

        ArrayNode notes = meta.putArray("notes");
        spec.notes().forEach(notes::add);

        Files.createDirectories(outDir);
        compress(mig, outDir.resolve(spec.name() + ".mig.zst"));
        compress(core, outDir.resolve(spec.name() + ".core.zst"));
        Files.writeString(outDir.resolve(spec.name() + ".json"), JSON.writeValueAsString(meta) + "\n");
        if (keepRaw) {
            Files.move(mig, outDir.resolve(spec.name() + ".mig"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(core, outDir.resolve(spec.name() + ".core"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(core2, outDir.resolve(spec.name() + ".reload.core"), StandardCopyOption.REPLACE_EXISTING);
        }
        return meta;
    }

    private static Map<String, Object> dumpArgs(Path core) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("paging", false);
        a.put("protocol", "file:" + core);
        a.put("format", "elf");
        return a;
    }

    /** Polls {@code query-dump} until the dump completed. */
    private static JsonNode awaitDump(QemuVm vm) {
        long deadline = System.nanoTime() + DUMP_TIMEOUT.toNanos();
        while (true) {
            JsonNode q = vm.execute("query-dump", null);
            String status = q.path("status").asText();
            if ("completed".equals(status)) {
                return q;
            }
            if ("failed".equals(status) || System.nanoTime() > deadline) {
                throw new QmpException("dump-guest-memory " + status + ": " + q);
            }
            sleep(20);
        }
    }

    /** HMP {@code info registers} of each CPU (QMP human-monitor-command with cpu-index). */
    private static List<String> registers(QemuVm vm, JsonNode cpus) {
        List<String> out = new ArrayList<>();
        for (JsonNode cpu : cpus) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("command-line", "info registers");
            a.put("cpu-index", cpu.path("cpu-index").asInt());
            out.add(vm.execute("human-monitor-command", a).asText());
        }
        return out;
    }

    /** gdb's {@code info registers} on QEMU's core. */
    private static ObjectNode gdb(String gdb, Path core) throws IOException, InterruptedException {
        ObjectNode g = JSON.createObjectNode();
        List<String> cmd = List.of(gdb, "-nx", "-batch", "-ex", "info registers", "-c", core.toString());
        g.put("binary", gdb);
        g.set("command", JSON.valueToTree(List.of(gdb, "-nx", "-batch", "-ex", "info registers", "-c", "CORE")));
        if (Qemu.find(gdb).isEmpty()) {
            g.put("output", "(" + gdb + " not installed)");
            return g;
        }
        g.put("version", run(List.of(gdb, "--version")).lines().findFirst().orElse(""));
        g.put("output", run(cmd));
        return g;
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        byte[] outBytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(outBytes, StandardCharsets.UTF_8);
    }

    /**
     * The aarch64 program, as little-endian instruction words: enables FP/SIMD (CPACR_EL1), puts
     * known values into sp, nzcv, fpcr, fpsr, v0-v31 (both halves) and x0-x30, then loops on
     * {@code wfi}.
     */
    static byte[] aarch64Program() {
        List<Integer> w = new ArrayList<>();
        // x0 = 0x40100000; mov sp, x0      (SP_EL1: the CPU resets into EL1h)
        w.add(movz(0, 0x4010, 1));
        w.add(0x9100001F);                       // add sp, x0, #0
        w.add(movz(0, 0x0030, 1));               // x0 = 3 << 20 (CPACR_EL1.FPEN: no FP/SIMD traps)
        w.add(0xD5181040);                       // msr cpacr_el1, x0
        w.add(0xD5033FDF);                       // isb
        w.add(movz(0, 0xA000, 1));               // x0 = 0xA0000000 (NZCV: N and C)
        w.add(0xD51B4200);                       // msr nzcv, x0
        w.add(movz(0, 0x00C0, 1));               // x0 = 0x00C00000 (FPCR.RMode = 3)
        w.add(0xD51B4400);                       // msr fpcr, x0
        w.add(movz(0, 0x001F, 0));               // x0 = 0x1F (FPSR cumulative flags)
        w.add(0xD51B4420);                       // msr fpsr, x0
        for (int n = 0; n <= 30; n++) {          // xn = 0xA0nn_0000_0000_10nn
            w.add(movz(n, 0xA000 | (n << 8) | n, 3));
            w.add(movk(n, 0x1000 | n, 0));
        }
        for (int n = 0; n <= 31; n++) {          // vn.d[0] = x(n mod 31), vn.d[1] = x(30 - n mod 31)
            w.add(0x9E670000 | ((n % 31) << 5) | n);                 // fmov dn, x(n mod 31)
            w.add(0x4E181C00 | (((30 - n % 31)) << 5) | n);          // ins vn.d[1], x(30 - n mod 31)
        }
        for (int n = 0; n <= 30; n++) {          // xn = 0x0n0n_0000_0000_00nn + 0x1111_0000 * n
            w.add(movz(n, (n << 8) | n, 3));
            w.add(movk(n, (0x1111 * n) & 0xFFFF, 1));
            w.add(movk(n, n, 0));
        }
        w.add(0xD503207F);                       // wfi
        w.add(0x17FFFFFF);                       // b .-4
        ByteBuffer b = ByteBuffer.allocate(w.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        w.forEach(b::putInt);
        return b.array();
    }

    private static int movz(int rd, int imm16, int hw) {
        return 0xD2800000 | (hw << 21) | (imm16 << 5) | rd;
    }

    private static int movk(int rd, int imm16, int hw) {
        return 0xF2800000 | (hw << 21) | (imm16 << 5) | rd;
    }

    private static List<String> unresolve(List<String> argv, String binary, Path core, Path guest, Path work) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = i == 0 ? binary : argv.get(i);
            out.add(a.replace(work.toString(), "${work}").replace(core.toString(), "${core}")
                    .replace(guest.toString(), "${guest}"));
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** zstd level 19, long window 2^27, checksum (like the other fixtures). */
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
