package io.github.qmig.input;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The header of a libvirt save image ({@code virsh save}, managed save): libvirt
 * src/qemu/qemu_saveimage.h {@code struct _virQEMUSaveHeader}, written by
 * {@code virQEMUSaveDataWrite}. Integers are in the saving host's byte order; like libvirt's
 * {@code qemuSaveImageBswapHeader}, the reader tries little-endian and falls back to big-endian.
 *
 * <pre>
 * 0   magic[16]     "LibvirtQemudSave" (complete) or "LibvirtQemudPart" (save in progress)
 * 16  version       2 (1: before compression existed)
 * 20  data_len      bytes of XML + cookie + padding after the header
 * 24  was_running   1 if the domain is resumed on restore
 * 28  format        0 raw, 1 gzip, 2 bzip2, 3 xz, 4 lzop, 5 zstd, 6 sparse (mapped-ram)
 * 32  cookieOffset  offset of the cookie in the data area, 0 if none
 * 36  unused[14]
 * 92  data[data_len]  domain XML (NUL-terminated), cookie, zero padding; then the QEMU stream
 * </pre>
 */
public record LibvirtHeader(String magic, int version, long dataLength, boolean wasRunning, int format,
                            long cookieOffset, String domainXml, ByteOrder byteOrder, byte[] data) {

    public static final int SIZE = 92;
    public static final String MAGIC_COMPLETE = "LibvirtQemudSave";
    public static final String MAGIC_PARTIAL = "LibvirtQemudPart";
    /** The version this writes: the first with a format field. */
    public static final int VERSION = 2;
    public static final int FORMAT_RAW = 0;
    public static final int FORMAT_SPARSE = 6;
    private static final String[] FORMATS = {"raw", "gzip", "bzip2", "xz", "lzop", "zstd", "sparse"};

    /** Whether the first bytes are a libvirt save image magic. */
    public static boolean matches(byte[] head, int len) {
        if (len < 16) {
            return false;
        }
        String m = new String(head, 0, 16, StandardCharsets.ISO_8859_1);
        return m.equals(MAGIC_COMPLETE) || m.equals(MAGIC_PARTIAL);
    }

    /** Whether the save finished (libvirt rewrites the magic only at the end). */
    public boolean complete() {
        return magic.equals(MAGIC_COMPLETE);
    }

    /** The format's name as libvirt spells it in qemu.conf ({@code save_image_format}). */
    public String formatName() {
        return format >= 0 && format < FORMATS.length ? FORMATS[format] : "unknown-" + format;
    }

    /** Absolute offset of the QEMU stream. */
    public long streamOffset() {
        return SIZE + dataLength;
    }

    /**
     * Parses the fixed header; {@code data} is read afterwards by the caller with
     * {@link #withData}.
     */
    static LibvirtHeader parseFixed(byte[] h, String source, long maxData) throws MigrationFormatException {
        String magic = new String(h, 0, 16, StandardCharsets.ISO_8859_1);
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        ByteBuffer b = ByteBuffer.wrap(h).order(order);
        int version = b.getInt(16);
        if (version != 1 && version != 2) {
            order = ByteOrder.BIG_ENDIAN;
            b.order(order);
            version = b.getInt(16);
        }
        if (version != 1 && version != 2) {
            throw new MigrationFormatException(Code.UNSUPPORTED_VERSION, source, 16, 0, null,
                    "libvirt save image version " + b.order(ByteOrder.LITTLE_ENDIAN).getInt(16) + " (expected 1 or 2)");
        }
        long dataLen = Integer.toUnsignedLong(b.getInt(20));
        if (dataLen > maxData) {
            throw new MigrationFormatException(Code.LIMIT_EXCEEDED, source, 20, 0, null,
                    "libvirt data area of " + dataLen + " bytes (limit " + maxData + ")");
        }
        int format = version == 1 ? 0 : b.getInt(28);
        long cookie = Integer.toUnsignedLong(b.getInt(32));
        if (cookie > dataLen) {
            throw new MigrationFormatException(Code.CORRUPT, source, 32, 0, null,
                    "libvirt cookie offset " + cookie + " beyond the data area of " + dataLen + " bytes");
        }
        return new LibvirtHeader(magic, version, dataLen, b.getInt(24) != 0, format, cookie, "", order, new byte[0]);
    }

    /** This header with its data area (domain XML, cookie, padding) as read after it. */
    LibvirtHeader withData(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new LibvirtHeader(magic, version, dataLength, wasRunning, format, cookieOffset,
                new String(data, 0, end, StandardCharsets.UTF_8), byteOrder, data);
    }

    /**
     * The header and data area of an image of {@code newFormat} holding the same domain, as
     * {@code virQEMUSaveDataWrite} writes them: this header's magic (complete or not) and byte order,
     * version 2, this image's data area unchanged, so the QEMU stream starts at the same
     * {@link #streamOffset()}.
     */
    public byte[] encode(int newFormat) {
        ByteBuffer b = ByteBuffer.allocate(SIZE + data.length).order(byteOrder);
        b.put(magic.getBytes(StandardCharsets.ISO_8859_1));
        b.putInt(VERSION).putInt(data.length).putInt(wasRunning ? 1 : 0).putInt(newFormat).putInt((int) cookieOffset);
        b.position(SIZE);
        b.put(data);
        return b.array();
    }
}
