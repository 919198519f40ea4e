package io.github.qmig.transform.extract;

import java.nio.charset.StandardCharsets;

/**
 * Maps RAM block names ({@code pc.ram}, {@code /rom@etc/acpi/tables}, {@code 0000:00:02.0/vga.vram})
 * to safe, unique, reversible file names: every byte outside {@code [A-Za-z0-9._@+-]}, and a
 * leading {@code .}, becomes {@code %XX} (upper-case hex); {@code .raw} is appended.
 * {@code /rom@etc/acpi/tables} becomes {@code %2From@etc%2Facpi%2Ftables.raw}.
 */
public final class BlockFileNames {

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
        return sb.append(".raw").toString();
    }
}
