package io.github.qmig.mappedram;

import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.codec.MigrationReader;
import io.github.qmig.codec.ReadOptions;
import io.github.qmig.ramblock.RamSectionCodec;
import io.github.qmig.ramblock.mapped.MappedRamBlock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mapped-ram blocks (header, bitmap, page region) of a file, read without its pages. */
record QemuLayout(List<MappedRamBlock> blocks) {

    static QemuLayout of(Path file, long offset) throws IOException {
        List<MappedRamBlock> blocks = new ArrayList<>();
        try (MigrationReader r = MigrationReader.open(file, offset,
                RamSectionCodec.withoutMappedPages(ReadOptions.defaults()))) {
            for (MigrationEvent e = r.next(); e != null; e = r.next()) {
                if (e instanceof MappedRamBlock b) {
                    blocks.add(b);
                }
            }
        }
        return new QemuLayout(blocks);
    }

    /** The block whose page region holds file offset {@code at}, or null. */
    MappedRamBlock regionOf(long at) {
        for (MappedRamBlock b : blocks) {
            long start = b.header().pagesOffset();
            if (at >= start && at < start + b.block().usedLength()) {
                return b;
            }
        }
        return null;
    }

    /** Where the last page region ends: the device state follows. */
    long ramEnd() {
        return blocks.stream().mapToLong(b -> b.header().pagesOffset() + b.block().usedLength()).max().orElseThrow();
    }
}
