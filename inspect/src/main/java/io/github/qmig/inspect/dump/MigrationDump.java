package io.github.qmig.inspect.dump;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.vmdesc.Description;

import java.util.List;
import java.util.Objects;

/**
 * Everything {@code qmig dump} reports about one stream, collected in one pass by
 * {@link DumpCollector}: the records in file order with their offsets and sizes, the payloads of
 * non-RAM sections (for decoding with the description), RAM as counts, and the VMDESCRIPTION.
 *
 * @param source            the input's name (for messages)
 * @param configuration     the CONFIGURATION record, or null if the stream has none
 * @param records           sections and commands in stream order
 * @param eofOffset         offset of the EOF byte
 * @param description       the parsed VMDESCRIPTION, or null if the stream has none or it does not parse
 * @param descriptionError  why the VMDESCRIPTION the stream has could not be used, or null
 * @param descriptionOffset offset of the VMDESCRIPTION record's {@code 0x06} byte, or -1
 * @param descriptionSize   bytes of its JSON, or -1
 * @param pageSize          the target page size the RAM sections were read with
 * @param footers           whether sections have footers (null if no section ended)
 * @param ramBlocks         every RAM block with its page counts over the whole stream
 */
public record MigrationDump(String source, FileHeader header, Configuration configuration, List<DumpRecord> records,
                            long eofOffset, Description description, String descriptionError, long descriptionOffset,
                            long descriptionSize, int pageSize, Boolean footers, List<RamBlockSummary> ramBlocks) {

    public MigrationDump {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(header, "header");
        records = List.copyOf(records);
        ramBlocks = List.copyOf(ramBlocks);
    }
}
