package io.github.qmig.testkit.series;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The sidecar {@code testdata/series/series.json}: a series of saves of one running QEMU process
 * (each save is also an ordinary fixture {@code <name>.mig.zst} + {@code <name>.json} in the same
 * directory) and, for pairs of saves, what differs, computed from QEMU's own memory dumps
 * ({@code pmemsave}) taken right after each save while the VM was paused.
 *
 * <p>JSON names are the snake_case forms of the component names.
 *
 * @param name series name (prefix of the fixture names)
 * @param description what the series is
 * @param qemuVersion version of the saving QEMU
 * @param qemuVersionFull version plus package string
 * @param qemuBinary saving binary
 * @param commandLine the saving argv, with {@code ${testdata}} / {@code ${work}} placeholders
 * @param machine {@code -machine} argument
 * @param machineType resolved machine type
 * @param memory {@code -m} argument
 * @param args arguments besides binary/machine/memory/QMP (as in the fixture sidecars)
 * @param pageSize target page size used for page lists
 * @param guest what the guest does
 * @param ramBlocks every RAM block of the VM ({@code info ramblock}) and where it appears in
 *     guest-physical memory (address space "memory", {@code info mtree -f})
 * @param saves the saves in order
 * @param pairs differences between pairs of saves (consecutive ones, and save 0 against each later one)
 * @param twins files that hold the same guest RAM as one of the saves but were written otherwise
 * @param notes remarks
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeriesMetadata(
        String name,
        String description,
        String qemuVersion,
        String qemuVersionFull,
        String qemuBinary,
        List<String> commandLine,
        String machine,
        String machineType,
        String memory,
        List<String> args,
        int pageSize,
        Guest guest,
        List<RamBlock> ramBlocks,
        List<Save> saves,
        List<Pair> pairs,
        List<Twin> twins,
        List<String> notes) {

    /** The mapper for series.json (snake_case, indented). */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Reads a series.json. */
    public static SeriesMetadata read(Path file) {
        try {
            return JSON.readValue(file.toFile(), SeriesMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes a series.json (trailing newline). */
    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /** The pair (a, b), if recorded. */
    public Optional<Pair> pair(int a, int b) {
        return pairs.stream().filter(p -> p.a() == a && p.b() == b).findFirst();
    }

    /**
     * The test guest's configuration.
     *
     * @param append the multiboot command line
     * @param fillBase guest-physical start of the filled range
     * @param fillMib MiB filled
     * @param walkKib KiB of the moving window (from fillBase)
     * @param walkPages pages in the window
     * @param pattern how page contents are derived
     */
    public record Guest(String append, long fillBase, int fillMib, int walkKib, int walkPages, String pattern) {}

    /**
     * One RAM block.
     *
     * @param name RAMBlock id as in the stream ({@code pc.ram}, {@code /rom@etc/acpi/tables}, ...)
     * @param usedLength used length in bytes
     * @param ramAddrOffset the block's offset in QEMU's ram_addr space ({@code info ramblock}
     *     "Offset"; not a file or guest address)
     * @param readOnly whether {@code info ramblock} lists it as {@code ro}
     * @param guestPhysical where the block's bytes are visible in address space "memory": each
     *     entry {@code [guest-physical start, length, block offset]}; empty if not mapped (fw_cfg
     *     blobs)
     */
    public record RamBlock(String name, long usedLength, long ramAddrOffset, boolean readOnly,
            List<long[]> guestPhysical) {}

    /**
     * One save.
     *
     * @param index position in the series
     * @param fixture fixture name: {@code <fixture>.mig.zst} and {@code <fixture>.json} in the same directory
     * @param format {@code stream} or {@code mapped-ram}
     * @param startedAtMs wall-clock milliseconds from the start of save 0 to the start of this save
     * @param guestRunMsBefore wall-clock milliseconds the guest ran between the previous save's
     *     {@code cont} and this save's {@code migrate} (0 for save 0)
     * @param totalTimeMs QEMU's {@code total-time}
     * @param downtimeMs QEMU's {@code downtime}
     * @param dirtySyncCount QEMU's {@code ram.dirty-sync-count}
     * @param runStateAfter {@code query-status} right after completion
     * @param status the guest's status block (physical 0x500) in the saved state (from the dump)
     * @param ramSections RAM sections (START/PART/END) in the file
     * @param pageRecords RAM PAGE records in the file (including re-sent pages)
     * @param zeroRecords RAM ZERO records in the file
     * @param fileMatchesPmemsave whether every guest-visible page in the file (last record wins)
     *     equals QEMU's memory dump taken right after the save
     * @param loadVerified whether a fresh QEMU loaded the file with RAM equal to the dumps
     */
    public record Save(int index, String fixture, String format, long startedAtMs, long guestRunMsBefore,
            long totalTimeMs, long downtimeMs, long dirtySyncCount, String runStateAfter, GuestStatus status,
            int ramSections, int pageRecords, int zeroRecords, boolean fileMatchesPmemsave, boolean loadVerified) {}

    /**
     * The status block of the walking guest.
     *
     * @param magic word +0 ({@code 0x454e4f44} "DONE")
     * @param pagesRewritten word +4: pages completely rewritten by the walk so far
     * @param cursorPage {@code pagesRewritten % walkPages}: the page being written at the save
     *     (possibly partly)
     * @param pass the pass that page belongs to (1-based)
     */
    public record GuestStatus(long magic, long pagesRewritten, long cursorPage, long pass) {}

    /**
     * What differs between save {@code a} and save {@code b}.
     *
     * @param a earlier save
     * @param b later save
     * @param changedPages 4 KiB pages whose content differs, over all blocks
     * @param blocks per RAM block (every block, also unchanged ones)
     * @param devices device sections (FULL) whose bytes differ, with the fields that differ
     * @param unchangedDevices device sections whose bytes are equal ({@code idstr#instance})
     */
    public record Pair(int a, int b, long changedPages, List<BlockDiff> blocks, List<DeviceChange> devices,
            List<String> unchangedDevices) {}

    /**
     * Changed pages of one RAM block between two saves.
     *
     * @param block RAM block name
     * @param source {@code pmemsave} (guest-visible blocks: computed from QEMU's memory dumps) or
     *     {@code file} (blocks not mapped in guest memory: computed from the two files)
     * @param changedPages changed 4 KiB pages
     * @param toZeroPages changed pages that are all zero in save b (a delta must carry them as
     *     zero pages: "unchanged" and "now zero" are different)
     * @param ranges coalesced runs of changed pages as {@code [guest-physical start, length]}
     *     (empty for blocks not mapped in guest memory)
     * @param blockRanges the same runs as {@code [offset in block, length]}
     * @param fileChangedPages the changed-page count computed from the two files instead (must
     *     equal {@code changedPages})
     */
    public record BlockDiff(String block, String source, long changedPages, long toZeroPages, List<long[]> ranges,
            List<long[]> blockRanges, long fileChangedPages) {}

    /**
     * A device section whose bytes differ.
     *
     * @param section idstr
     * @param instance instance id
     * @param fields fields (leaves of the VMDESCRIPTION) whose bytes differ
     * @param note set if the two sections have different layouts (fields or subsections)
     */
    public record DeviceChange(String section, long instance, List<FieldChange> fields, String note) {}

    /**
     * One field that differs.
     *
     * @param field path: field names joined by {@code .}, array elements as {@code [i]}, subsection
     *     names (e.g. {@code cpu/async_pf_msr}) where the field is inside one
     * @param type VMDESCRIPTION type
     * @param offset offset of the field in the section payload (after the section header)
     * @param size bytes
     * @param a value in save a (hex, big-endian as in the stream; long buffers summarised)
     * @param b value in save b
     */
    public record FieldChange(String field, String type, int offset, int size, String a, String b) {}

    /**
     * A file with the same guest RAM as a save, written by another QEMU process.
     *
     * @param of index of the save it reproduces
     * @param fixture fixture name
     * @param format {@code stream} or {@code mapped-ram}
     * @param how how it was made
     * @param ramEqualsSave whether its RAM (loaded back) equals the save's dumps
     * @param changedPages pages that differ from the save, computed from the two files (expected 0)
     * @param devices device fields that differ from the save
     */
    public record Twin(int of, String fixture, String format, String how, boolean ramEqualsSave, long changedPages,
            List<DeviceChange> devices) {}
}
