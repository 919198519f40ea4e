package io.github.qmig.input;

import io.github.qmig.codec.MigrationFormatException.Code;
import io.github.qmig.codec.MigrationFormatException;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A decompressing stream whose failures are format errors: corrupt or cut-short gzip/xz/zstd data
 * makes the input unreadable as a migration file (exit code 1), not an I/O failure, and the error
 * says which file, which compression and how far the decompressed stream got.
 */
final class DecompressedInput extends FilterInputStream {

    private final String source;
    private final Compression compression;
    private long delivered;

    private DecompressedInput(InputStream in, String source, Compression compression) {
        super(in);
        this.source = source;
        this.compression = compression;
    }

    /** {@code compression.decompress(raw)}, with its errors (also while reading its header) converted. */
    static InputStream open(InputStream raw, String source, Compression compression) throws IOException {
        try {
            return new DecompressedInput(compression.decompress(raw), source, compression);
        } catch (MigrationFormatException e) {
            throw e;
        } catch (IOException e) {
            throw error(e, source, compression, 0);
        }
    }

    private static MigrationFormatException error(IOException e, String source, Compression c, long at) {
        String why = e.getMessage() != null ? e.getMessage() : e instanceof EOFException ? "unexpected end" : e.toString();
        String name = c.name().toLowerCase();
        MigrationFormatException f;
        if (e instanceof org.tukaani.xz.MemoryLimitException m) {
            f = new MigrationFormatException(Code.LIMIT_EXCEEDED, source, at, -1, null, String.format(
                    "xz data needs %d KiB of memory to decompress (limit %d KiB)", m.getMemoryNeeded(), m.getMemoryLimit()));
        } else {
            f = new MigrationFormatException(e instanceof EOFException ? Code.TRUNCATED : Code.COMPRESSED_DATA_INVALID, source, at,
                    -1, null, name + " data is corrupt or cut short (" + why + ")");
        }
        f.initCause(e);
        return f;
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            if (b >= 0) {
                delivered++;
            }
            return b;
        } catch (MigrationFormatException e) {
            throw e;
        } catch (IOException e) {
            throw error(e, source, compression, delivered);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            if (n > 0) {
                delivered += n;
            }
            return n;
        } catch (MigrationFormatException e) {
            throw e;
        } catch (IOException e) {
            throw error(e, source, compression, delivered);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            long s = super.skip(n);
            delivered += Math.max(0, s);
            return s;
        } catch (MigrationFormatException e) {
            throw e;
        } catch (IOException e) {
            throw error(e, source, compression, delivered);
        }
    }
}
