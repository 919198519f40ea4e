package io.github.qmig.inspect.dump;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.SectionHeader;
import io.github.qmig.codec.SectionType;

import java.nio.ByteBuffer;
import java.util.Objects;

/** A top-level record of the stream as {@code qmig dump} lists it: a section or a command. */
public sealed interface DumpRecord {

    /** Offset of the record's type byte. */
    long offset();

    /**
     * A START/PART/END/FULL section.
     *
     * <pre>
     * | header (offset) | payload (payloadOffset, payloadSize bytes) | [7E be32 id] (footerOffset) |
     * </pre>
     *
     * @param footerOffset offset of the footer, or -1 without one
     * @param payload      the payload of a non-RAM section (read-only); null for RAM sections
     * @param ram          what a RAM section holds; null for other sections
     * @param fullIndex    for a non-RAM FULL section its ordinal among them, i.e. its index in the
     *                     VMDESCRIPTION's {@code devices}; -1 otherwise
     */
    record Section(SectionHeader header, long payloadOffset, long payloadSize, long footerOffset, ByteBuffer payload,
                   RamSectionSummary ram, int fullIndex) implements DumpRecord {
        public Section {
            Objects.requireNonNull(header, "header");
            payload = payload == null ? null : payload.asReadOnlyBuffer();
        }

        @Override
        public long offset() {
            return header.offset();
        }

        public SectionType type() {
            return header.type();
        }
    }

    /** A QEMU_VM_COMMAND record ({@code 08 | be16 cmd | be16 len | data}). */
    record CommandRecord(Command command) implements DumpRecord {
        public CommandRecord {
            Objects.requireNonNull(command, "command");
        }

        @Override
        public long offset() {
            return command.offset();
        }
    }
}
