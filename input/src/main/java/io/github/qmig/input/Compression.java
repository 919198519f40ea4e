package io.github.qmig.input;

import com.github.luben.zstd.ZstdInputStream;
import io.airlift.compress.lzo.LzopHadoopStreams;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Compression formats recognised by their magic bytes, never by file name: those a user's file
 * has, and those libvirt offers for save images ({@code save_image_format} in qemu.conf: raw,
 * gzip, bzip2, xz, lzop, zstd). Decompression is the JDK's (gzip) or a maintained library's:
 * zstd-jni, XZ for Java, Commons Compress (bzip2), aircompressor (lzop, the format of lzop(1)).
 */
public enum Compression {
    NONE(new byte[0]),
    ZSTD(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}),
    GZIP(new byte[] {0x1F, (byte) 0x8B}),
    XZ(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0x00}),
    /** "BZh" and a block size digit. */
    BZIP2(new byte[] {'B', 'Z', 'h'}),
    /** lzop(1)'s file magic. */
    LZOP(new byte[] {(byte) 0x89, 'L', 'Z', 'O', 0x00, 0x0D, 0x0A, 0x1A, 0x0A});

    private final byte[] magic;

    Compression(byte[] magic) {
        this.magic = magic;
    }

    /** The format whose magic starts {@code head}, or {@link #NONE}. */
    public static Compression detect(byte[] head, int len) {
        for (Compression c : values()) {
            if (c != NONE && len >= c.magic.length && startsWith(head, c.magic)) {
                return c;
            }
        }
        return NONE;
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** A decompressing stream over {@code in} (which it closes when closed). */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case ZSTD -> new ZstdInputStream(in).setContinuous(false);
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            // The dictionary size comes from the file: cap the memory xz may allocate (a quarter of
            // the heap; xz -9 needs 65 MiB) so a hostile header fails with MemoryLimitException.
            case XZ -> new XZInputStream(in, (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 / 1024));
            case BZIP2 -> new BZip2CompressorInputStream(in, true); // concatenated streams, as bzip2(1) reads them
            case LZOP -> new LzopHadoopStreams().createInputStream(in);
        };
    }

    /** libvirt's {@code format} field for this compression, for sources inside a save image. */
    static Compression ofLibvirtFormat(int format) {
        return switch (format) {
            case 0, 6 -> NONE;
            case 1 -> GZIP;
            case 2 -> BZIP2;
            case 3 -> XZ;
            case 4 -> LZOP;
            case 5 -> ZSTD;
            default -> null;
        };
    }
}
