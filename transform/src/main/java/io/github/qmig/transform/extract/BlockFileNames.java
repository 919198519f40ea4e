package io.github.qmig.transform.extract;

import java.nio.charset.StandardCharsets;

/**
 * Maps RAM block names ({@code pc.ram}, {@code /rom@etc/acpi/tables}, {@code 0000:00:02.0/vga.vram})
 * to safe, unique, reversible file names: every byte outside {@code [A-Za-z0-9._@+-]}, and a
 * leading {@code .}, becomes {@code %XX} (upper-case hex); {@code .raw} is appended.
 * {@code /rom@etc/acpi/tables} becomes {@code %2From@etc%2Facpi%2Ftables.raw}.
 *
 * <p>A name whose encoding would be longer than {@link #MAX} bytes (a block name may have 255
 * bytes, and encoding can triple it past what a file system takes) becomes its first bytes, a
 * {@code ~} and 16 hex digits of the SHA-256 of the whole block name: deterministic, unique in
 * practice, and recorded in blocks.json like every other.
 */
public final class BlockFileNames {

    /** Longest file name made (bytes), well under the 255 of ext4, xfs and btrfs. */
    public static final int MAX = 200;

    private BlockFileNames() {
    }

    public static String of(String block) {
        StringBuilder sb = new StringBuilder();
        byte[] b = block.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '@' || c == '+' || c == '-' || (c == '.' && i > 0);
            if (safe) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        if (sb.length() + 4 > MAX) {
            String digest = java.util.HexFormat.of().formatHex(sha256(b), 0, 8);
            int cut = MAX - 4 - 1 - digest.length();
            if (sb.charAt(cut - 1) == '%') {
                cut -= 1; // never split a %XX escape
            } else if (sb.charAt(cut - 2) == '%') {
                cut -= 2;
            }
            return sb.substring(0, cut) + "~" + digest + ".raw";
        }
        return sb.append(".raw").toString();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
