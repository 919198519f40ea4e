package io.github.qmig.testkit.qcow2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.testkit.FixtureLoader;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.testkit.GuestRam;
import io.github.qmig.testkit.Qemu;
import io.github.qmig.testkit.QemuVm;
import io.github.qmig.testkit.RamRange;
import io.github.qmig.testkit.TestGuest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One image of {@code testdata/qcow2/} with its sidecar (see the README there): for tests that
 * read the images' internal snapshots and load what they export into QEMU.
 *
 * @param name the file name stem
 * @param compressed {@code NAME.qcow2.zst}
 * @param sidecar {@code NAME.json}
 */
public record Qcow2Fixture(String name, Path compressed, Path sidecar) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The images in {@code testdata/qcow2/}, sorted by name (none if the directory is absent). */
    public static List<Qcow2Fixture> list() {
        Path dir = Fixtures.testdataDir().resolve("qcow2");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Qcow2Fixture> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(Qcow2FixtureGenerator.SUFFIX)).sorted().forEach(p -> {
                String file = p.getFileName().toString();
                String stem = file.substring(0, file.length() - Qcow2FixtureGenerator.SUFFIX.length());
                Path json = dir.resolve(stem + ".json");
                if (Files.isRegularFile(json)) {
                    out.add(new Qcow2Fixture(stem, p, json));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The image named {@code name}. */
    public static Qcow2Fixture get(String name) {
        return list().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no qcow2 fixture " + name));
    }

    /** The sidecar. */
    public JsonNode metadata() {
        try {
            return JSON.readTree(sidecar.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decompresses the image to {@code target} (sparse). */
    public Path decompressTo(Path target) throws IOException {
        return Fixtures.decompress(compressed, target);
    }

    /** The sidecar's {@code snapshots} entries (one per table entry, in table order). */
    public List<JsonNode> snapshots() {
        List<JsonNode> out = new ArrayList<>();
        metadata().path("snapshots").forEach(out::add);
        return out;
    }

    /** Whether its states were saved under record/replay (they load only in replay mode). */
    public boolean recordReplay() {
        return metadata().has("replay_log");
    }

    /** The RAM a snapshot's state holds: its source's when recorded, else what {@code -loadvm} restored. */
    public static List<RamRange> expectedRam(JsonNode snapshot) {
        JsonNode ranges = snapshot.has("source_ram_ranges") ? snapshot.get("source_ram_ranges")
                : snapshot.path("loadvm").path("ram_ranges");
        return ranges(ranges);
    }

    /** {@code -loadvm}'s RAM hashes of a snapshot (empty if it was not loaded). */
    public static List<RamRange> loadvmRam(JsonNode snapshot) {
        return ranges(snapshot.path("loadvm").path("ram_ranges"));
    }

    private static List<RamRange> ranges(JsonNode n) {
        try {
            return n.isArray() ? List.of(JSON.treeToValue(n, RamRange[].class)) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a migration file exported from this image into a fresh QEMU with the image's VM
     * ({@code args}, or {@code load_args} in replay mode for a recording; the image itself a
     * scratch copy of {@code image}), with {@code -incoming
     * defer} and {@code migrate-incoming file:FILE} ({@code exec:cat FILE} for QEMU 7.2), and
     * hashes its RAM.
     *
     * @param binary QEMU to load with (the 7.2 states load into QEMU 10 with their machine type)
     * @param machine the {@code -machine} value
     */
    public List<RamRange> load(Path file, boolean mappedRam, Path image, Path work, String binary, String machine)
            throws IOException {
        JsonNode m = metadata();
        Path copy = Files.createDirectories(work).resolve("image.qcow2");
        Files.copy(image, copy, StandardCopyOption.REPLACE_EXISTING);
        List<String> args = new ArrayList<>();
        for (JsonNode a : m.path(recordReplay() ? "load_args" : "args")) {
            args.add(a.asText().replace("${image}", copy.toString()).replace(",rrsnapshot=init", ""));
        }
        if (recordReplay()) { // replay mode, with the log of the recording
            Fixtures.decompress(compressed.resolveSibling(m.get("replay_log").asText()), work.resolve("replay.bin"));
        }
        TestGuest.build();
        try (QemuVm vm = QemuVm.builder().binary(binary).machine(machine)
                .memory(m.path("source_vm").path("memory").asText())
                .args(FixtureLoader.resolveArgs(args, Fixtures.testdataDir(), work))
                .incomingDefer(true).workDir(Files.createDirectories(work.resolve("vm"))).start()) {
            if (mappedRam) {
                vm.setCapabilities(Map.of("mapped-ram", true));
            }
            // QEMU 7.2 has no file: migration URI
            vm.migrateIncoming(Qemu.qemu72().equals(binary) ? FixtureLoader.execUri(file, 0) : QemuVm.fileUri(file, 0));
            return GuestRam.snapshot(vm);
        }
    }

    /** The versioned machine type the states were saved with, e.g. {@code pc-i440fx-7.2}. */
    public String machineType() {
        return metadata().path("source_vm").path("machine_type").asText();
    }

    /** Whether the states were saved by QEMU 7.2. */
    public boolean savedBy72() {
        return Qemu.qemu72().equals(metadata().path("source_vm").path("qemu_binary").asText());
    }
}
