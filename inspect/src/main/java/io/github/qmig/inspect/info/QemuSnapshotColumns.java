package io.github.qmig.inspect.info;

import io.github.qmig.qcow2.Snapshot;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The columns of {@code qemu-img snapshot -l} exactly as QEMU prints them (block/qapi.c
 * {@code bdrv_snapshot_dump}, QEMU 10): {@code "%-7s %-16s %8s %19s %15s %10s"} of ID, tag, VM
 * state size ({@code size_to_str}), date in local time, VM clock and icount ({@code --} for none).
 * Widths are minimums counted in bytes, as C's are.
 */
final class QemuSnapshotColumns {

    private static final String[] SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private QemuSnapshotColumns() {
    }

    static String header() {
        return columns("ID", "TAG", "VM_SIZE", "DATE", "VM_CLOCK", "ICOUNT");
    }

    /** One row; the date in {@code zone} (qemu-img uses the local time zone, {@code TZ}). */
    static String row(Snapshot s, ZoneId zone) {
        return columns(Snapshot.printable(s.id()), Snapshot.printable(s.name()), sizeToStr(s.vmStateSize()),
                date(s.dateSec(), zone), clock(s.vmClockNsec()), s.icount() == -1 ? "--" : Long.toString(s.icount()));
    }

    private static String columns(String id, String tag, String size, String date, String clock, String icount) {
        return left(id, 7) + ' ' + left(tag, 16) + ' ' + right(size, 8) + ' ' + right(date, 19) + ' '
                + right(clock, 15) + ' ' + right(icount, 10);
    }

    static String date(long sec, ZoneId zone) {
        return DATE.format(Instant.ofEpochSecond(sec).atZone(zone));
    }

    /** {@code %04d:%02d:%02d.%03d}: hours, minutes, seconds, milliseconds of an unsigned nanosecond count. */
    static String clock(long nsec) {
        long secs = Long.divideUnsigned(nsec, 1_000_000_000L);
        return String.format(Locale.ROOT, "%04d:%02d:%02d.%03d", (int) (secs / 3600), (int) (secs / 60 % 60),
                (int) (secs % 60), (int) (Long.divideUnsigned(nsec, 1_000_000L) % 1000));
    }

    /**
     * util/cutils.c {@code size_to_str}: three significant digits of the largest binary unit that
     * leaves less than 1000 of it ({@code frexp(val / (1000.0 / 1024.0))}), printed with {@code %0.3g}.
     */
    static String sizeToStr(long val) {
        double v = val >= 0 ? val : (val >>> 1) * 2.0 + (val & 1);
        double scaled = v / (1000.0 / 1024.0);
        int exp = scaled == 0 ? 0 : Math.getExponent(scaled) + 1; // frexp's exponent
        int i = (exp - 1) / 10;
        return g3(v / Math.pow(2, i * 10)) + " " + SUFFIXES[i] + "B";
    }

    /** C's {@code %0.3g}: three significant digits, trailing zeros dropped, exponent form outside [1e-4, 1e3). */
    static String g3(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(3, RoundingMode.HALF_EVEN));
        int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= 3) {
            String m = strip(d.movePointLeft(exp).setScale(2, RoundingMode.HALF_EVEN).toPlainString());
            return m + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        return strip(d.setScale(Math.max(0, 2 - exp), RoundingMode.HALF_EVEN).toPlainString());
    }

    private static String strip(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, s.charAt(end - 1) == '.' ? end - 1 : end);
    }

    private static String left(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.getBytes(StandardCharsets.UTF_8).length));
    }

    private static String right(String s, int width) {
        return " ".repeat(Math.max(0, width - s.getBytes(StandardCharsets.UTF_8).length)) + s;
    }
}
