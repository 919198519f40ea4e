package io.github.qmig.testkit.compat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a migration file saved from an idle target says about that target: whether it writes (and
 * therefore expects) a configuration record and section footers, its machine type, its RAM blocks
 * with their lengths (the RAM section's MEM_SIZE record) and its sections (the VMDESCRIPTION).
 *
 * <p>Only the head of the stream (header, configuration, commands, the RAM section's start) and the
 * VMDESCRIPTION at its end are parsed; everything in between is skipped. {@code switchoverStart}
 * is found by searching the bytes of the command ({@code 08 000b 0000}) followed by a SECTION_END
 * byte, good enough for a probe of a paused, never-run guest.
 *
 * @param configuration whether the stream starts with a configuration record
 * @param machineType the machine type in it
 * @param footers whether sections end with footers ({@code 7e} + section id)
 * @param switchoverStart whether a SWITCHOVER_START command was seen
 * @param ramBlocks RAM blocks in MEM_SIZE order
 * @param sections the VMDESCRIPTION's devices: {@code name} (idstr), {@code instance_id}, {@code
 *     vmsd_name}, {@code version}, subsection names
 * @param vmdescription the whole VMDESCRIPTION (fields with their types and sizes as this target
 *     writes them, which are the fields it reads: {@code field_exists} is evaluated alike on both
 *     sides), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"configuration", "machine_type", "footers", "switchover_start", "ram_blocks", "sections",
    "vmdescription"})
public record ProbeSave(
        @JsonProperty("configuration") boolean configuration,
        @JsonProperty("machine_type") String machineType,
        @JsonProperty("footers") boolean footers,
        @JsonProperty("switchover_start") boolean switchoverStart,
        @JsonProperty("ram_blocks") List<RamBlock> ramBlocks,
        @JsonProperty("sections") List<Section> sections,
        @JsonProperty("vmdescription") JsonNode vmdescription) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One RAM block of MEM_SIZE. */
    @JsonPropertyOrder({"name", "length"})
    public record RamBlock(@JsonProperty("name") String name, @JsonProperty("length") long length) {}

    /** One device section of the VMDESCRIPTION. */
    @JsonPropertyOrder({"name", "instance_id", "vmsd_name", "version", "subsections"})
    public record Section(
            @JsonProperty("name") String name,
            @JsonProperty("instance_id") long instanceId,
            @JsonProperty("vmsd_name") String vmsdName,
            @JsonProperty("version") int version,
            @JsonProperty("subsections") List<String> subsections) {}

    /** The same facts for a target that would neither write nor expect a configuration record. */
    public ProbeSave withoutConfiguration() {
        return new ProbeSave(false, null, footers, switchoverStart, ramBlocks, sections, vmdescription);
    }

    /** Parses a stream saved without capabilities. */
    public static ProbeSave parse(byte[] file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file);
        if (b.getInt() != 0x5145564d || b.getInt() != 3) {
            throw new IOException("not a QEVM v3 stream");
        }
        boolean configuration = false;
        String machine = null;
        if (file[8] == 0x07) {
            configuration = true;
            b.get();
            int len = b.getInt();
            machine = new String(file, b.position(), len, StandardCharsets.US_ASCII);
            b.position(b.position() + len);
            skipConfigurationSubsections(b);
        }
        List<RamBlock> blocks = new ArrayList<>();
        boolean footers = false;
        while (b.hasRemaining()) {
            int type = b.get() & 0xff;
            if (type == 0x08) {
                b.getShort();
                int len = b.getShort() & 0xffff;
                b.position(b.position() + len);
                continue;
            }
            if (type != 0x01 && type != 0x04) {
                break;
            }
            int sectionId = b.getInt();
            String idstr = counted(b);
            b.getInt();
            b.getInt();
            if (!idstr.equals("ram")) {
                break;
            }
            long total = b.getLong() & ~0xfffL;
            while (total > 0) {
                String name = counted(b);
                long length = b.getLong();
                blocks.add(new RamBlock(name, length));
                total -= length;
            }
            long eos = b.getLong();
            if ((eos & 0x10) == 0) {
                throw new IOException("RAM section start does not end with EOS: 0x" + Long.toHexString(eos));
            }
            footers = b.get(b.position()) == 0x7e && b.getInt(b.position() + 1) == sectionId;
            break;
        }
        JsonNode vmdesc = vmdescription(file);
        return new ProbeSave(configuration, machine, footers, indexOf(file, SWITCHOVER_START) >= 0, blocks,
                vmdesc == null ? null : sections(vmdesc), vmdesc);
    }

    private static final byte[] SWITCHOVER_START = {0x08, 0x00, 0x0b, 0x00, 0x00, 0x03};

    /** Skips the subsections of the configuration record (target-page-bits, capabilities, uuid). */
    private static void skipConfigurationSubsections(ByteBuffer b) throws IOException {
        while (b.get(b.position()) == 0x05) {
            b.get();
            String name = counted(b);
            b.getInt();
            switch (name) {
                case "configuration/target-page-bits" -> b.getInt();
                case "configuration/uuid" -> b.position(b.position() + 16);
                case "configuration/capabilities" -> {
                    int n = b.getInt();
                    for (int i = 0; i < n; i++) {
                        counted(b);
                    }
                }
                default -> throw new IOException("unknown configuration subsection " + name);
            }
        }
    }

    private static String counted(ByteBuffer b) {
        int len = b.get() & 0xff;
        String s = new String(b.array(), b.position(), len, StandardCharsets.US_ASCII);
        b.position(b.position() + len);
        return s;
    }

    /** The VMDESCRIPTION JSON that ends the file (0x06, be32 length, JSON), or null. */
    static JsonNode vmdescription(byte[] file) throws IOException {
        for (int i = file.length - 6; i >= 0; i--) {
            if (file[i] == 0x06 && file[i + 5] == '{') {
                long len = ByteBuffer.wrap(file, i + 1, 4).getInt() & 0xffffffffL;
                if (i + 5 + len == file.length) {
                    return JSON.readTree(new String(file, i + 5, (int) len, StandardCharsets.UTF_8));
                }
            }
        }
        return null;
    }

    private static List<Section> sections(JsonNode vmdesc) {
        List<Section> out = new ArrayList<>();
        for (JsonNode dev : vmdesc.path("devices")) {
            List<String> subs = new ArrayList<>();
            collectSubsections(dev, subs);
            out.add(new Section(dev.path("name").asText(), dev.path("instance_id").asLong(),
                    dev.path("vmsd_name").asText(), dev.path("version").asInt(), subs));
        }
        return out;
    }

    private static void collectSubsections(JsonNode vmsd, List<String> out) {
        for (JsonNode s : vmsd.path("subsections")) {
            out.add(s.path("vmsd_name").asText());
            collectSubsections(s, out);
        }
        for (JsonNode f : vmsd.path("fields")) {
            if (f.has("struct")) {
                collectSubsections(f.path("struct"), out);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
