package io.github.qmig.compat.qemu;

import io.github.qmig.codec.vmdesc.Description;
import io.github.qmig.compat.StreamFacts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a configured target is, learned without running a guest: started with its command line and
 * {@code -S}, asked over QMP for its machine type, RAM blocks and capabilities, then saved to a file
 * that qmig reads like any other ({@link Prober}). That save is written with the target's own
 * properties, so it lists exactly the sections this configuration has, their versions (the highest
 * each accepts), the RAM blocks it migrates, whether it writes (and so expects) a configuration
 * record and footers, and, in its VMDESCRIPTION, the fields it writes and therefore reads
 * ({@code field_exists} callbacks are evaluated alike on both sides).
 *
 * @param startError     QEMU's error when the target did not start with its command line, or null
 *                       (then every other component is empty)
 * @param machineClass   {@code qom-get /machine type} without its {@code -machine} suffix
 * @param configuration  whether the target writes and expects a configuration record
 * @param footers        whether it writes and expects section footers
 * @param pageBits       the target page bits its configuration sends, or null when it sends none
 * @param blocks         the RAM blocks it migrates, in its block list's order, with their max_length
 * @param unmigratable   RAM blocks it has but does not migrate
 * @param sections       its START and FULL sections
 * @param description    its save's VMDESCRIPTION, or null
 * @param capabilities   the migration capabilities it knows ({@code query-migrate-capabilities}), or
 *                       null when not asked
 */
public record Probe(String startError, String machineClass, boolean configuration, boolean footers, Integer pageBits,
                    List<RamBlockInfo> blocks, Set<String> unmigratable, List<Section> sections,
                    Description description, Set<String> capabilities) {

    /** One section the target has: idstr, instance id, and the version it writes (the highest it reads). */
    public record Section(String idstr, long instance, int version) {
    }

    public Probe {
        blocks = List.copyOf(blocks);
        unmigratable = Set.copyOf(unmigratable);
        sections = List.copyOf(sections);
        capabilities = capabilities == null ? null : Set.copyOf(capabilities);
    }

    /** A target that did not start; {@code error} is QEMU's message. */
    public static Probe failed(String error) {
        return new Probe(Objects.requireNonNull(error, "error"), null, false, false, null, List.of(), Set.of(),
                List.of(), null, null);
    }

    /**
     * The probe of a target from its own save and {@code info ramblock}.
     *
     * @param save             the facts of the save the target made of itself
     * @param machineClass     its machine type
     * @param ramblocks        {@code info ramblock}, for max_length and the blocks not migrated
     * @param sendsConfiguration false when the probe left out the command line's {@code
     *                         send-configuration=off} (the save has a configuration the target would
     *                         not expect)
     * @param capabilities     the capabilities it knows, or null
     */
    public static Probe of(StreamFacts save, String machineClass, List<RamBlockInfo> ramblocks,
                           boolean sendsConfiguration, Set<String> capabilities) {
        Map<String, RamBlockInfo> info = ramblocks.stream()
                .collect(Collectors.toMap(RamBlockInfo::name, Function.identity(), (a, b) -> a));
        List<RamBlockInfo> blocks = new ArrayList<>();
        Set<String> unmigratable = new LinkedHashSet<>(info.keySet());
        for (StreamFacts.Block b : save.blocks()) {
            RamBlockInfo i = info.get(b.name());
            blocks.add(new RamBlockInfo(b.name(), b.length(), i == null ? b.length() : Math.max(i.max(), b.length())));
            unmigratable.remove(b.name());
        }
        List<Section> sections = new ArrayList<>();
        for (StreamFacts.Section s : save.sections()) {
            sections.add(new Section(s.idstr(), s.instance(), s.version()));
        }
        Integer pageBits = save.configuration() == null ? null
                : save.configuration().targetPageBits().isPresent() ? save.configuration().targetPageBits().getAsInt()
                : null;
        return new Probe(null, machineClass, save.configuration() != null && sendsConfiguration, save.footers(),
                pageBits, blocks, unmigratable, sections, save.description(), capabilities);
    }

    public boolean started() {
        return startError == null;
    }

    /** The RAM blocks it migrates, by name. */
    public Map<String, RamBlockInfo> blocksByName() {
        return blocks.stream().collect(Collectors.toMap(RamBlockInfo::name, Function.identity(), (a, b) -> a));
    }
}
