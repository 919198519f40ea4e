package io.github.qmig.compat.qemu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QEMU release, {@code major.minor.micro}, as {@code --version} prints it ({@code QEMU emulator
 * version 10.0.2 (Debian ...)}) or {@code query-version} returns it.
 */
public record QemuVersion(int major, int minor, int micro) implements Comparable<QemuVersion> {

    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,6}))?");

    /**
     * The first {@code N.N[.N]} in {@code text} ({@code "QEMU emulator version 7.2.22 (...)"}, {@code "9.1"}).
     *
     * @throws IllegalArgumentException if there is none
     */
    public static QemuVersion parse(String text) {
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("no QEMU version in '" + text.strip().lines().findFirst().orElse("")
                    + "'");
        }
        return new QemuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    /** Whether this is {@code major.minor} or later. */
    public boolean atLeast(int maj, int min) {
        return major > maj || (major == maj && minor >= min);
    }

    @Override
    public int compareTo(QemuVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(micro, o.micro);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + micro;
    }
}
