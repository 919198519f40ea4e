package io.github.qmig.ramblock;

import io.github.qmig.codec.BodyContext;
import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.codec.SectionBody;
import io.github.qmig.codec.SectionBodyCodec;
import io.github.qmig.codec.SectionHeader;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the {@code ram} section (version 4, registered by {@code ram_mig_init} in
 * migration/ram.c). One instance serves one reader and keeps what carries across sections: the
 * block list and the block of the last page record, which a CONTINUE record refers to even in a
 * later section ({@code last_sent_block} / {@code last_recv_block}).
 */
public final class RamSectionCodec implements SectionBodyCodec {

    public static final String IDSTR = "ram";
    public static final int VERSION = 4;

    final Map<String, RamBlock> blocks = new LinkedHashMap<>();
    final boolean mappedPages;
    RamBlock lastBlock;

    /** A codec that returns the pages of mapped-ram regions as {@link RamPage.Kind#MAPPED} events. */
    public RamSectionCodec() {
        this(true);
    }

    /**
     * @param mappedPages whether to read the pages of mapped-ram regions; without them the reader
     *                    seeks from each {@link io.github.qmig.ramblock.mapped.MappedRamBlock} straight to its
     *                    {@link io.github.qmig.ramblock.mapped.MappedRamBlockEnd}
     *                    (for callers that read the pages in place, e.g. {@code MappedRamPages})
     */
    public RamSectionCodec(boolean mappedPages) {
        this.mappedPages = mappedPages;
    }

    /** Reader options with this codec registered: what reading any real file needs. */
    public static ReadOptions register(ReadOptions options) {
        return options.withCodec(RamSectionCodec::new);
    }

    /** Read options with default limits and the RAM codec. */
    public static ReadOptions defaultOptions() {
        return register(ReadOptions.defaults());
    }

    /** Read options whose RAM codec skips mapped-ram page regions instead of reading them. */
    public static ReadOptions withoutMappedPages(ReadOptions options) {
        return options.withCodec(() -> new RamSectionCodec(false));
    }

    @Override
    public SectionBody open(SectionHeader header, BodyContext context) throws java.io.IOException {
        if (!header.idstr().equals(IDSTR)) {
            return null;
        }
        if (header.version() != VERSION) {
            throw context.source().fail(Code.UNSUPPORTED_VERSION, header.offset(),
                    "RAM section version %d (QEMU reads only version 4)", header.version());
        }
        return new RamBody(this, header, context);
    }

    /** The blocks of the block list read so far, in stream order. */
    public List<RamBlock> blocks() {
        return List.copyOf(blocks.values());
    }

    Map<String, RamBlock> blockMap() {
        return Collections.unmodifiableMap(blocks);
    }
}
