package io.github.qmig.testkit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The sidecar {@code testdata/<name>.json} of a fixture: how the migration file was made, QEMU's own
 * counters for it, and the RAM hashes of the source VM after the save.
 *
 * <p>Paths inside {@link #args()} are written with the placeholders {@code ${testdata}} (the
 * testdata directory) and {@code ${work}} (the VM's scratch directory, where {@link #disks()} are
 * created); {@link FixtureLoader} substitutes them.
 *
 * @param name fixture name (file {@code <name>.mig.zst})
 * @param description one line on what the fixture exercises
 * @param qemuVersion version of the saving QEMU, e.g. {@code 10.0.2}
 * @param qemuVersionFull version plus package string
 * @param qemuBinary saving binary (a PATH name or the 7.2 wrapper path)
 * @param commandLine the saving argv, with placeholders
 * @param machine the {@code -machine} argument used to save
 * @param machineType the resolved machine type, e.g. {@code pc-i440fx-10.0}
 * @param memory the {@code -m} argument
 * @param args the arguments besides binary/machine/memory/QMP needed to recreate the VM
 * @param disks scratch disks to create before starting (file name in {@code ${work}} and size)
 * @param mode how the source ran: {@code paused}, {@code live}, {@code background}, {@code
 *     never-started}
 * @param format {@code stream} or {@code mapped-ram}
 * @param capabilities migration capabilities set on the source
 * @param parameters migration parameters set on the source (final values)
 * @param uriOffset the {@code offset=} of the {@code file:} URI (0 if none)
 * @param saveUri the URI used to save, with {@code ${file}} for the file
 * @param loadBinary binary to load the file with for verification
 * @param loadMachine {@code -machine} argument to load with (e.g. {@code pc-i440fx-7.2} for a 7.2 file)
 * @param loadUri scheme to load with: {@code file} or {@code exec} (QEMU 7.2)
 * @param loadCapabilities capabilities the destination needs
 * @param loadParameters parameters the destination needs (e.g. {@code multifd-channels})
 * @param fileSize size of the uncompressed migration file in bytes
 * @param fileSha256 SHA-256 of the uncompressed migration file
 * @param queryMigrate the source's final {@code query-migrate} object
 * @param ramRanges guest RAM of the source after the save
 * @param loadVerified whether loading the file into a fresh QEMU reproduced {@code ramRanges}
 * @param notes remarks: quirks, what is special in the stream
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
    "name", "description", "qemu_version", "qemu_version_full", "qemu_binary", "command_line", "machine",
    "machine_type", "memory", "args", "disks", "mode", "format", "capabilities", "parameters", "uri_offset",
    "save_uri", "load_binary", "load_machine", "load_uri", "load_capabilities", "load_parameters", "file_size",
    "file_sha256", "query_migrate", "ram_ranges", "load_verified", "notes"
})
public record FixtureMetadata(
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("qemu_version") String qemuVersion,
        @JsonProperty("qemu_version_full") String qemuVersionFull,
        @JsonProperty("qemu_binary") String qemuBinary,
        @JsonProperty("command_line") List<String> commandLine,
        @JsonProperty("machine") String machine,
        @JsonProperty("machine_type") String machineType,
        @JsonProperty("memory") String memory,
        @JsonProperty("args") List<String> args,
        @JsonProperty("disks") Map<String, String> disks,
        @JsonProperty("mode") String mode,
        @JsonProperty("format") String format,
        @JsonProperty("capabilities") Map<String, Boolean> capabilities,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("uri_offset") long uriOffset,
        @JsonProperty("save_uri") String saveUri,
        @JsonProperty("load_binary") String loadBinary,
        @JsonProperty("load_machine") String loadMachine,
        @JsonProperty("load_uri") String loadUri,
        @JsonProperty("load_capabilities") Map<String, Boolean> loadCapabilities,
        @JsonProperty("load_parameters") Map<String, Object> loadParameters,
        @JsonProperty("file_size") long fileSize,
        @JsonProperty("file_sha256") String fileSha256,
        @JsonProperty("query_migrate") JsonNode queryMigrate,
        @JsonProperty("ram_ranges") List<RamRange> ramRanges,
        @JsonProperty("load_verified") boolean loadVerified,
        @JsonProperty("notes") List<String> notes) {

    /** Normalises absent collections to empty ones. */
    public FixtureMetadata {
        args = args == null ? List.of() : List.copyOf(args);
        disks = disks == null ? Map.of() : disks;
        capabilities = capabilities == null ? Map.of() : capabilities;
        parameters = parameters == null ? Map.of() : parameters;
        loadCapabilities = loadCapabilities == null ? Map.of() : loadCapabilities;
        loadParameters = loadParameters == null ? Map.of() : loadParameters;
        ramRanges = ramRanges == null ? List.of() : List.copyOf(ramRanges);
        notes = notes == null ? List.of() : List.copyOf(notes);
        commandLine = commandLine == null ? List.of() : List.copyOf(commandLine);
    }

    /** Whether the file is in mapped-ram layout. */
    public boolean mappedRam() {
        return Boolean.TRUE.equals(capabilities.get("mapped-ram"));
    }

    /** A counter from {@link #queryMigrate()} by JSON pointer, e.g. {@code /ram/normal}; -1 if absent. */
    public long counter(String jsonPointer) {
        JsonNode n = queryMigrate == null ? null : queryMigrate.at(jsonPointer);
        return n == null || n.isMissingNode() ? -1 : n.asLong();
    }
}
