package io.github.qmig.ramblock;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates COMPRESS_PAGE records: one zlib stream (deflateInit, so with zlib header and adler32)
 * per target page (QEMU up to 9.0, migration/ram-compress.c {@code do_compress_ram_page},
 * {@code qemu_uncompress_data}). One instance reuses its {@link Inflater}; call {@link #close()}.
 */
public final class ZlibPages implements AutoCloseable {

    private final Inflater inflater = new Inflater();

    /**
     * Inflates into {@code page}; returns false unless the stream is valid and yields exactly
     * {@code pageLen} bytes.
     */
    public boolean inflate(byte[] src, int off, int len, byte[] page, int pageOff, int pageLen) {
        inflater.reset();
        inflater.setInput(src, off, len);
        try {
            int n = 0;
            while (n < pageLen && !inflater.finished()) {
                int r = inflater.inflate(page, pageOff + n, pageLen - n);
                if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return false;
                }
                n += r;
            }
            return n == pageLen && inflater.finished();
        } catch (DataFormatException e) {
            return false;
        }
    }

    @Override
    public void close() {
        inflater.end();
    }
}
