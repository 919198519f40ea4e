package io.github.qmig.input;

import io.github.qmig.codec.FileHeader;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a file that is not a migration stream is, told by its first bytes: an ELF core, a disk image,
 * an archive, text, zeros, nothing at all. The failure names it, and where a {@code QEVM} header
 * stands further in (a stream saved at QEMU's {@code file:PATH,offset=N}, read without its offset)
 * it says which offset to give.
 */
final class FileKinds {

    /** How far in a stream's start is looked for (QEMU's offsets in practice: a few KiB to 1 MiB). */
    static final int SCAN = 4 << 20;

    /** A stream header: the magic and version 3 (QEMU_VM_FILE_MAGIC, QEMU_VM_FILE_VERSION). */
    private static final byte[] HEADER = {'Q', 'E', 'V', 'M', 0, 0, 0, 3};

    private record Magic(int at, byte[] bytes, String what) {
        Magic(int at, String ascii, String what) {
            this(at, ascii.getBytes(StandardCharsets.ISO_8859_1), what);
        }

        boolean matches(byte[] head) {
            return head.length >= at + bytes.length && Arrays.equals(head, at, at + bytes.length, bytes, 0, bytes.length);
        }
    }

    private static final Magic[] KNOWN = {
        new Magic(0, "\u007fELF", "an ELF file (a core dump, as dump-guest-memory or qmig core write, or a program)"),
        new Magic(0, "LibvirtQemudPart", "an unfinished libvirt save image (libvirt writes this magic until the save completes)"),
        new Magic(0, "KDMV", "a VMDK disk image"),
        new Magic(0, "vhdxfile", "a VHDX disk image"),
        new Magic(0, "conectix", "a VHD disk image"),
        new Magic(64, "\u007f\u0010\u00da\u00be", "a VDI disk image"),
        new Magic(0, "LUKS\u00ba\u00be", "a LUKS encrypted volume"),
        new Magic(0, "PK\u0003\u0004", "a zip archive"),
        new Magic(257, "ustar", "a tar archive"),
        new Magic(0, "%PDF", "a PDF document"),
        new Magic(0, "hsqs", "a squashfs image"),
    };

    private FileKinds() {
    }

    /** Whether {@code head} (the bytes where the stream should start) begins with the migration magic. */
    static boolean isStream(byte[] head) {
        return head.length >= 4 && ((head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8
                | (head[3] & 0xff)) == FileHeader.MAGIC;
    }

    /**
     * The failure for an input that does not start with the migration magic at {@code offset}.
     *
     * @param head the bytes from {@code offset} on, up to {@link #SCAN}
     * @param device what the file is when it is no regular file ("a character device"), or null
     */
    static MigrationFormatException notAStream(String name, long offset, byte[] head, String device) {
        if (head.length == 0) {
            String what = device != null ? device + " that reads nothing" : offset > 0 ? "nothing at that offset"
                    : "an empty file";
            return new MigrationFormatException(Code.TRUNCATED, name, offset, -1, null,
                    "not a migration stream: " + what);
        }
        StringBuilder why = new StringBuilder("not a migration stream: ").append(describe(head, device));
        int found = indexOf(head, HEADER, 1);
        if (found > 0) {
            long at = offset + found;
            why.append(String.format(Locale.ROOT, "; a migration stream starts at byte %d (0x%x): give that offset "
                    + "(--offset %d; convert: --input-offset %d)", at, at, at, at));
        }
        return new MigrationFormatException(head.length < 4 ? Code.TRUNCATED : Code.BAD_MAGIC, name, offset, -1, null,
                why.toString());
    }

    /** What the bytes look like, with their magic in hex. */
    static String describe(byte[] head, String device) {
        String magic = hex(head, 4);
        String prefix = device != null ? device + " whose bytes are " : "";
        if (head.length < 4) {
            return prefix + head.length + " byte" + (head.length == 1 ? "" : "s") + " (" + magic + "), too short for a header";
        }
        for (Magic m : KNOWN) {
            if (m.matches(head)) {
                return prefix + m.what();
            }
        }
        if (allZero(head)) {
            return prefix + "zeros (" + head.length + " bytes looked at)";
        }
        if (isText(head)) {
            return prefix + "text (" + quote(head) + ")";
        }
        return prefix + "magic " + magic + " (a migration stream starts with 51 45 56 4d, 'QEVM')";
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** Printable ASCII and whitespace in the first KiB, or valid UTF-8 there. */
    private static boolean isText(byte[] b) {
        int n = Math.min(b.length, 1024);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
                return false;
            }
            if (c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The first line, at most 40 bytes of it. */
    private static String quote(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 40), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        boolean cut = nl >= 0 || b.length > 40;
        if (nl >= 0) {
            s = s.substring(0, nl);
        }
        return "'" + s.replaceAll("\\p{Cntrl}", "?").strip() + (cut ? "...'" : "'");
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            s.append(i > 0 ? " " : "").append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}
