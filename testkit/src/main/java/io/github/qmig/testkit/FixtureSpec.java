package io.github.qmig.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link FixtureGenerator} produces one fixture. Built with {@link #builder(String)}.
 *
 * @param name fixture name
 * @param description one line for the sidecar and README
 * @param binary saving QEMU binary
 * @param machine {@code -machine} argument
 * @param memory {@code -m} argument
 * @param args further arguments, with {@code ${testdata}}/{@code ${work}} placeholders
 * @param disks qcow2 scratch images to create in {@code ${work}} (name to size)
 * @param mode how the source runs while saving
 * @param capabilities capabilities set before {@code migrate}
 * @param parameters parameters set before {@code migrate}
 * @param minRounds for live saves: RAM dirty-sync rounds to wait for before applying {@code
 *     finishParameters} (0: none)
 * @param finishParameters parameters applied after {@code minRounds} so that the migration converges
 * @param minCounters further {@code query-migrate} counters (JSON pointer to minimum) that must be
 *     reached before {@code finishParameters} are applied, e.g. {@code /xbzrle-cache/pages}
 * @param uriOffset {@code offset=} of the {@code file:} URI
 * @param exec save with {@code exec:cat > FILE} (QEMU 7.2 has no {@code file:})
 * @param loadBinary binary for the load-back check ({@code null}: {@code binary})
 * @param loadMachine machine for the load-back check ({@code null}: {@code machine})
 * @param loadCapabilities capabilities the destination needs
 * @param loadParameters parameters the destination needs
 * @param beforeMigrate QMP commands (name and arguments) run just before {@code migrate}
 * @param notes remarks copied into the sidecar
 */
public record FixtureSpec(
        String name,
        String description,
        String binary,
        String machine,
        String memory,
        List<String> args,
        Map<String, String> disks,
        Mode mode,
        Map<String, Boolean> capabilities,
        Map<String, Object> parameters,
        int minRounds,
        Map<String, Object> finishParameters,
        Map<String, Long> minCounters,
        long uriOffset,
        boolean exec,
        String loadBinary,
        String loadMachine,
        Map<String, Boolean> loadCapabilities,
        Map<String, Object> loadParameters,
        List<Map.Entry<String, Map<String, Object>>> beforeMigrate,
        List<String> notes) {

    /** How the source VM runs while it is saved. */
    public enum Mode {
        /** The x86 guest fills RAM, then {@code stop}, then migrate. */
        PAUSED("paused"),
        /** The x86 guest keeps dirtying memory during the migration. */
        LIVE("live"),
        /** {@code background-snapshot} while the (idle, halted) guest runs. */
        BACKGROUND("background"),
        /** {@code -S}: the CPU never runs; RAM content comes from {@code -device loader}. */
        NEVER_STARTED("never-started");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** Name used in sidecars. */
        public String label() {
            return label;
        }
    }

    /** Whether the saved file uses the mapped-ram layout. */
    public boolean mappedRam() {
        return Boolean.TRUE.equals(capabilities.get("mapped-ram"));
    }

    /** A builder for a spec named {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builder of {@link FixtureSpec}; defaults: x86 {@code pc}, 128M, paused, file URI. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private String binary = Qemu.DEFAULT_BINARY;
        private String machine = "pc";
        private String memory = "128M";
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> disks = new LinkedHashMap<>();
        private Mode mode = Mode.PAUSED;
        private final Map<String, Boolean> caps = new LinkedHashMap<>();
        private final Map<String, Object> params = new LinkedHashMap<>();
        private int minRounds;
        private final Map<String, Object> finish = new LinkedHashMap<>();
        private final Map<String, Long> minCounters = new LinkedHashMap<>();
        private long uriOffset;
        private boolean exec;
        private String loadBinary;
        private String loadMachine;
        private final Map<String, Boolean> loadCaps = new LinkedHashMap<>();
        private final Map<String, Object> loadParams = new LinkedHashMap<>();
        private final List<Map.Entry<String, Map<String, Object>>> beforeMigrate = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        /** Sets the description. */
        public Builder description(String d) {
            this.description = d;
            return this;
        }

        /** Sets the saving binary. */
        public Builder binary(String b) {
            this.binary = b;
            return this;
        }

        /** Sets the {@code -machine} argument. */
        public Builder machine(String m) {
            this.machine = m;
            return this;
        }

        /** Sets the {@code -m} argument. */
        public Builder memory(String m) {
            this.memory = m;
            return this;
        }

        /** Appends arguments. */
        public Builder args(String... a) {
            args.addAll(List.of(a));
            return this;
        }

        /** Adds a qcow2 scratch image. */
        public Builder disk(String file, String size) {
            disks.put(file, size);
            return this;
        }

        /** Sets the mode. */
        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        /** Turns a capability on (also on the destination if {@code alsoOnLoad}). */
        public Builder capability(String c, boolean alsoOnLoad) {
            caps.put(c, true);
            if (alsoOnLoad) {
                loadCaps.put(c, true);
            }
            return this;
        }

        /** Sets a source parameter. */
        public Builder parameter(String p, Object v) {
            params.put(p, v);
            return this;
        }

        /** Sets a destination parameter. */
        public Builder loadParameter(String p, Object v) {
            loadParams.put(p, v);
            return this;
        }

        /** Waits for {@code rounds} dirty-sync rounds, then applies {@code finishParameters}. */
        public Builder rounds(int rounds, Map<String, Object> finishParameters) {
            this.minRounds = rounds;
            finish.putAll(finishParameters);
            return this;
        }

        /** Also waits until a {@code query-migrate} counter (JSON pointer) reaches {@code min}. */
        public Builder minCounter(String jsonPointer, long min) {
            minCounters.put(jsonPointer, min);
            return this;
        }

        /** Sets the {@code file:} URI offset. */
        public Builder uriOffset(long o) {
            this.uriOffset = o;
            return this;
        }

        /** Saves through {@code exec:cat > FILE} and loads through {@code exec:cat FILE}. */
        public Builder exec(boolean e) {
            this.exec = e;
            return this;
        }

        /** Binary and machine for the load-back check. */
        public Builder loadWith(String bin, String mach) {
            this.loadBinary = bin;
            this.loadMachine = mach;
            return this;
        }

        /** Runs a QMP command just before {@code migrate}. */
        public Builder beforeMigrate(String command, Map<String, Object> arguments) {
            beforeMigrate.add(Map.entry(command, arguments));
            return this;
        }

        /** Adds a note. */
        public Builder note(String n) {
            notes.add(n);
            return this;
        }

        /** Builds the spec. */
        public FixtureSpec build() {
            return new FixtureSpec(name, description, binary, machine, memory, List.copyOf(args), Map.copyOf(disks),
                    mode, new LinkedHashMap<>(caps), new LinkedHashMap<>(params), minRounds,
                    new LinkedHashMap<>(finish), new LinkedHashMap<>(minCounters), uriOffset, exec, loadBinary, loadMachine,
                    new LinkedHashMap<>(loadCaps), new LinkedHashMap<>(loadParams), List.copyOf(beforeMigrate),
                    List.copyOf(notes));
        }
    }
}
