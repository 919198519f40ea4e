package io.github.qmig.codec.internal;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.SectionType;
import io.github.qmig.codec.io.ByteSource;

import java.io.IOException;

/**
 * Exact framing of the sections that are not vmstate: each walks its handler's own records to the
 * terminator, so no scanning is needed. Layouts are in the format reference, section 9.
 */
public final class OldStyleFramers {

    private OldStyleFramers() {
    }

    /** The framer for a section that has its own record format, or null. */
    public static PayloadFramer forSection(String idstr, SectionType type) {
        return switch (idstr) {
            case "spapr/htab" -> new Htab(type);
            case "dirty-bitmap" -> new DirtyBitmap();
            case "s390-storage_attributes" -> new StorageAttributes();
            case "s390-skeys" -> type == SectionType.FULL ? new StorageKeys() : null;
            case "todclock" -> type == SectionType.FULL ? new TodClock() : null;
            case "block" -> new Block();
            default -> idstr.endsWith("/vfio") && type != SectionType.FULL ? new Vfio() : null;
        };
    }

    /**
     * {@code spapr/htab} (hw/ppc/spapr.c {@code htab_save_setup}, {@code htab_save_iterate},
     * {@code htab_save_complete}): START is be32 htab_shift; PART/END are be32 0 then chunks
     * (be32 index, be16 n_valid, be16 n_invalid, n_valid * 16 bytes) up to an all-zero chunk
     * header, or just be32 -1 when the guest has no hash table.
     */
    static final class Htab implements PayloadFramer {
        private final SectionType type;
        private boolean started;
        private boolean done;

        Htab(SectionType type) {
            this.type = type;
        }

        @Override
        public long next(ByteSource in) throws IOException {
            if (done) {
                return 0;
            }
            if (!started) {
                started = true;
                in.require(4);
                done = type == SectionType.START || in.peekInt(0) == -1;
                return 4;
            }
            in.require(8);
            int nValid = in.peekInt(4) >>> 16;
            if (in.peekLong(0) == 0) {
                done = true;
                return 8;
            }
            return 8L + nValid * 16L;
        }
    }

    /**
     * {@code dirty-bitmap} (migration/block-dirty-bitmap.c {@code dirty_bitmap_load}): chunks of
     * flags (1, 2 or 4 bytes, widened while bit 0x80 is set), optional device and bitmap names,
     * then START (be32 granularity, u8 flags), BITS (be64 sector, be32 count, and unless ZEROES
     * be64 size + data), COMPLETE; EOS ends.
     */
    static final class DirtyBitmap implements PayloadFramer {
        private static final int EOS = 0x01, ZEROES = 0x02, BITMAP_NAME = 0x04, DEVICE_NAME = 0x08,
                START = 0x10, BITS = 0x40, EXTRA = 0x80;
        private boolean done;

        @Override
        public long next(ByteSource in) throws IOException {
            if (done) {
                return 0;
            }
            int at = 0;
            int flags = in.peek(at++);
            if (flags < 0) {
                throw in.fail(Code.TRUNCATED, in.position(), "dirty-bitmap chunk cut short");
            }
            if ((flags & EXTRA) != 0) {
                flags = flags << 8 | need(in, at++);
                if ((flags & EXTRA) != 0) {
                    flags = flags << 16 | need(in, at++) << 8 | need(in, at++);
                }
            }
            if ((flags & DEVICE_NAME) != 0) {
                at += 1 + need(in, at);
            }
            if ((flags & BITMAP_NAME) != 0) {
                at += 1 + need(in, at);
            }
            if ((flags & START) != 0) {
                at += 5;
            }
            if ((flags & BITS) != 0) {
                at += 12;
                if ((flags & ZEROES) == 0) {
                    in.require(at + 8);
                    long size = in.peekLong(at);
                    if (size < 0) {
                        throw in.fail(Code.CORRUPT, in.position() + at, "dirty-bitmap buffer size %d", size);
                    }
                    return at + 8 + size;
                }
            }
            if ((flags & EOS) != 0) {
                done = true;
            }
            return at;
        }
    }

    static int need(ByteSource in, int at) throws IOException {
        int b = in.peek(at);
        if (b < 0) { // the input ends before that byte: report where it ends
            throw in.fail(Code.TRUNCATED, in.position() + in.available(), "record cut short");
        }
        return b;
    }

    /**
     * {@code s390-storage_attributes} (hw/s390x/s390-stattrib.c {@code cmma_load}): be64
     * (gfn << 12) | flags; MORE (0x02) adds be64 count + count bytes; DONE (0x08) nothing; EOS (0x01)
     * ends; ERROR (0x04) is an aborted save.
     */
    static final class StorageAttributes implements PayloadFramer {
        private boolean done;

        @Override
        public long next(ByteSource in) throws IOException {
            if (done) {
                return 0;
            }
            in.require(8);
            int flags = (int) (in.peekLong(0) & 0xfff);
            switch (flags) {
                case 0x01 -> {
                    done = true;
                    return 8;
                }
                case 0x02 -> {
                    in.require(16);
                    long count = in.peekLong(8);
                    if (count < 0) {
                        throw in.fail(Code.CORRUPT, in.position() + 8, "storage attribute count %d", count);
                    }
                    return 16 + count;
                }
                case 0x08 -> {
                    return 8;
                }
                default -> throw in.fail(Code.CORRUPT, in.position(),
                        "storage attribute record flags 0x%x (expected EOS 0x1, MORE 0x2 or DONE 0x8)", flags);
            }
        }
    }

    /**
     * {@code s390-skeys} (hw/s390x/s390-skeys.c {@code s390_storage_keys_load}): be64 addr | flags;
     * SKEYS (0x02) adds be64 page count + one key byte per page; EOS (0x01) ends.
     */
    static final class StorageKeys implements PayloadFramer {
        private boolean done;

        @Override
        public long next(ByteSource in) throws IOException {
            if (done) {
                return 0;
            }
            in.require(8);
            int flags = (int) (in.peekLong(0) & 0xfff);
            if (flags == 0x01) {
                done = true;
                return 8;
            }
            if (flags != 0x02) {
                throw in.fail(Code.CORRUPT, in.position(),
                        "storage key record flags 0x%x (expected EOS 0x1 or SKEYS 0x2)", flags);
            }
            in.require(16);
            long pages = in.peekLong(8);
            if (pages < 0) {
                throw in.fail(Code.CORRUPT, in.position() + 8, "storage key page count %d", pages);
            }
            return 16 + pages;
        }
    }

    /**
     * {@code todclock} (hw/s390x/tod.c {@code s390_tod_load}): u8 0 (no value) or u8 1 followed by
     * u8 high + be64 low.
     */
    static final class TodClock implements PayloadFramer {
        private boolean done;

        @Override
        public long next(ByteSource in) throws IOException {
            if (done) {
                return 0;
            }
            done = true;
            int marker = need(in, 0);
            return switch (marker) {
                case 0 -> 1;
                case 1 -> 10;
                default -> throw in.fail(Code.CORRUPT, in.position(), "TOD clock marker %d (expected 0 or 1)", marker);
            };
        }
    }

    /**
     * {@code block} (migration/block.c, QEMU up to 9.0): be64 (sector << 9) | flags; DEVICE_BLOCK
     * (0x01) adds a counted device name and, unless ZERO_BLOCK (0x08), 1 MiB of data; PROGRESS (0x04)
     * nothing; EOS (0x02) ends.
     */
    static final class Block implements PayloadFramer {
        private static final int CHUNK = 1 << 20;
        private boolean done;

        @Override
        public long next(ByteSource in) throws IOException {
            if (done) {
                return 0;
            }
            in.require(8);
            int flags = (int) (in.peekLong(0) & 0x1ff);
            if ((flags & 0x02) != 0) {
                done = true;
                return 8;
            }
            if ((flags & 0x01) != 0) {
                int len = need(in, 8);
                return 9 + len + ((flags & 0x08) != 0 ? 0 : CHUNK);
            }
            if ((flags & 0x04) != 0) {
                return 8;
            }
            throw in.fail(Code.CORRUPT, in.position(), "block migration flags 0x%x", flags);
        }
    }

    /**
     * Live VFIO data (hw/vfio/migration.c {@code vfio_load_state}): be64 markers; DEV_DATA_STATE is
     * followed by be64 size + data; END_OF_STATE or DEV_INIT_DATA_SENT ends the payload.
     */
    static final class Vfio implements PayloadFramer {
        private static final long END_OF_STATE = 0xFFFFFFFFEF100001L;
        private static final long SETUP_STATE = 0xFFFFFFFFEF100003L;
        private static final long DATA_STATE = 0xFFFFFFFFEF100004L;
        private static final long INIT_DATA_SENT = 0xFFFFFFFFEF100005L;
        private boolean done;

        @Override
        public long next(ByteSource in) throws IOException {
            if (done) {
                return 0;
            }
            in.require(8);
            long marker = in.peekLong(0);
            if (marker == END_OF_STATE || marker == INIT_DATA_SENT) {
                done = true;
                return 8;
            }
            if (marker == SETUP_STATE) {
                return 8;
            }
            if (marker == DATA_STATE) {
                in.require(16);
                long size = in.peekLong(8);
                if (size < 0) {
                    throw in.fail(Code.CORRUPT, in.position() + 8, "VFIO data size %d", size);
                }
                return 16 + size;
            }
            throw in.fail(Code.CORRUPT, in.position(), "unknown VFIO marker 0x%016x", marker);
        }
    }
}
