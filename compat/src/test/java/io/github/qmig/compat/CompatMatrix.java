package io.github.qmig.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.codec.ReadLimits;
import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.compat.qemu.Probe;
import io.github.qmig.compat.qemu.RamBlockInfo;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.testkit.Fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * testdata/compat as tests use it: the rows of matrix.json (a real save, a target, and what real
 * QEMU did loading the one into the other), the recorded probe of each target, the shipped schema
 * directories, and each save read once into {@link StreamFacts}.
 */
final class CompatMatrix {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One row. */
    record Row(String id, String file, String binary, String machine, String memory, List<String> args,
               Set<String> capabilities, String probe, String check, String verdict, String error, JsonNode json) {

        boolean loads() {
            return verdict.equals("completed");
        }

        /** The target's command line as {@code qmig compat} takes it after {@code --}. */
        List<String> commandLine(Path testdata) {
            List<String> out = new ArrayList<>(List.of("-m", memory));
            for (String a : args) {
                out.add(a.replace("${testdata}", testdata.toString()));
            }
            return out;
        }
    }

    private static JsonNode matrix;
    private static JsonNode probes;
    private static final Map<String, StreamFacts> FACTS = new HashMap<>();
    private static final Map<String, CompatProblem> UNREADABLE = new HashMap<>();

    private CompatMatrix() {
    }

    static Path dir() {
        return Fixtures.testdataDir().resolve("compat");
    }

    static synchronized JsonNode matrix() {
        if (matrix == null) {
            try {
                matrix = JSON.readTree(dir().resolve("matrix.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return matrix;
    }

    static List<Row> rows() {
        List<Row> out = new ArrayList<>();
        for (JsonNode r : matrix().path("rows")) {
            JsonNode t = r.path("target");
            List<String> args = new ArrayList<>();
            t.path("args").forEach(a -> args.add(a.asText()));
            Set<String> caps = new TreeSet<>();
            t.path("capabilities").fields().forEachRemaining(e -> {
                if (e.getValue().asBoolean()) {
                    caps.add(e.getKey());
                }
            });
            JsonNode res = r.path("result");
            out.add(new Row(r.path("id").asText(), r.path("file").asText(), t.path("binary").asText(),
                    t.path("machine").asText(), t.path("memory").asText(), args, caps, r.path("probe").asText(),
                    r.path("check").asText(), res.path("verdict").asText(), res.path("error").asText(null), r));
        }
        return out;
    }

    /** The shipped schema directory of a row's binary. */
    static Path schemaDir(Row row) {
        return dir().resolve("schemas").resolve("qemu-" + matrix().path("qemu_versions").path(row.binary()).asText());
    }

    static String version(Row row) {
        return matrix().path("qemu_versions").path(row.binary()).asText();
    }

    /** The save of a row, read once. */
    static synchronized StreamFacts facts(Row row) {
        return FACTS.computeIfAbsent(row.file(), f -> {
            StreamFacts facts = new StreamFacts(ReadLimits.defaults().maxTrackedSections());
            try (MigrationInput in = MigrationInput.open(Fixtures.testdataDir().resolve(f), 0)) {
                CompatProblem p = Compat.read(in, facts, CompatOptions.defaults());
                if (p != null) {
                    UNREADABLE.put(f, p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return facts;
        });
    }

    static synchronized CompatProblem unreadable(Row row) {
        facts(row);
        return UNREADABLE.get(row.file());
    }

    /** The recorded probe of a row's target (probes.json.zst, made by testkit's TargetProbe). */
    static Probe probe(Row row) {
        JsonNode p = probes().path("probes").path(row.probe()).path("probe");
        if (p.has("start_error")) {
            return Probe.failed(p.get("start_error").asText());
        }
        JsonNode save = p.path("save");
        StringBuilder info = new StringBuilder();
        p.path("info_ramblock").forEach(l -> info.append(l.asText()).append('\n'));
        Map<String, RamBlockInfo> byName = new HashMap<>();
        for (RamBlockInfo i : RamBlockInfo.parse(info.toString())) {
            byName.put(i.name(), i);
        }
        List<RamBlockInfo> blocks = new ArrayList<>();
        Set<String> unmigratable = new LinkedHashSet<>(byName.keySet());
        for (JsonNode b : save.path("ram_blocks")) {
            String name = b.path("name").asText();
            long length = b.path("length").asLong();
            RamBlockInfo i = byName.get(name);
            blocks.add(new RamBlockInfo(name, length, i == null ? length : i.max()));
            unmigratable.remove(name);
        }
        List<Probe.Section> sections = new ArrayList<>();
        sections.add(new Probe.Section("ram", 0, 4));
        for (JsonNode s : save.path("sections")) {
            sections.add(new Probe.Section(s.path("name").asText(), s.path("instance_id").asLong(),
                    s.path("version").asInt()));
        }
        Description d;
        try {
            d = Description.parse(JSON.writeValueAsBytes(save.path("vmdescription")), ReadLimits.defaults());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Probe(null, p.path("machine_type").asText(), save.path("configuration").asBoolean(),
                save.path("footers").asBoolean(), null, blocks, unmigratable, sections, d, null);
    }

    private static synchronized JsonNode probes() {
        if (probes == null) {
            try (InputStream in = Fixtures.openDecompressed(dir().resolve("probes.json.zst"))) {
                probes = JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return probes;
    }
}
