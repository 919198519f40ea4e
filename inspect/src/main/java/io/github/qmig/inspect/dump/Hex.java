package io.github.qmig.inspect.dump;

import java.nio.ByteBuffer;

/** Lowercase hex of a buffer's remaining bytes (the buffer's position is left as it is). */
final class Hex {

    private Hex() {
    }

    /** {@code "0a1b2c"}: qmig's format. */
    static String compact(ByteBuffer raw) {
        return of(raw, false);
    }

    /** {@code "0a 1b 2c"}: analyze-migration.py's {@code VMSDFieldGeneric.__str__}. */
    static String spaced(ByteBuffer raw) {
        return of(raw, true);
    }

    private static String of(ByteBuffer raw, boolean spaced) {
        ByteBuffer b = raw.duplicate();
        StringBuilder sb = new StringBuilder(b.remaining() * 3);
        while (b.hasRemaining()) {
            if (spaced && sb.length() > 0) {
                sb.append(' ');
            }
            int x = b.get() & 0xff;
            sb.append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 15, 16));
        }
        return sb.toString();
    }
}
