package io.github.qmig.compat.checks;

import io.github.qmig.codec.CommandType;
import io.github.qmig.compat.CompatCode;
import io.github.qmig.compat.StreamFacts;
import io.github.qmig.compat.qemu.QemuReleases;
import io.github.qmig.compat.qemu.Target;

import static io.github.qmig.compat.checks.Problems.qemu;

/**
 * Record kinds a target's release does not read: zlib COMPRESS_PAGE records (removed in 9.1; before
 * that read only with capability {@code compress}: migration/ram.c {@code ram_load_precopy}),
 * MULTIFD_FLUSH records (before 8.0), and commands numbered above the release's last
 * (migration/savevm.c {@code loadvm_process_command}: SWITCHOVER_START, 0x0b, before 10.0).
 */
public final class RecordCheck implements Check {

    @Override
    public void check(StreamFacts file, Target target, Problems out) {
        StreamFacts.Record z = file.firstCompressedPage();
        if (z != null) {
            if (!QemuReleases.readsCompressedPages(target.version())) {
                out.add(CompatCode.RAM_RECORD_UNSUPPORTED, "ram", 0, z.offset(), "the file has zlib-compressed pages "
                        + "(COMPRESS_PAGE, saved with capability compress by QEMU 9.0 or older), which QEMU %s no "
                        + "longer reads%s", target.version(),
                        qemu("Unknown combination of migration flags: 0x%x", z.value()));
            } else if (!target.capabilities().contains("compress")) {
                out.add(CompatCode.RAM_RECORD_UNSUPPORTED, "ram", 0, z.offset(), "the file has zlib-compressed pages "
                        + "(COMPRESS_PAGE): set capability compress on the target before loading%s",
                        qemu("Received an unexpected compressed page"));
            }
        }
        StreamFacts.Record flush = file.firstMultifdFlush();
        if (flush != null && !QemuReleases.readsMultifdFlush(target.version())) {
            out.add(CompatCode.RAM_RECORD_UNSUPPORTED, "ram", 0, flush.offset(), "the file has MULTIFD_FLUSH records "
                    + "(QEMU 8.0 and later with multifd), which QEMU %s does not know%s", target.version(),
                    qemu("Unknown combination of migration flags: 0x%x", flush.value()));
        }
        int highest = QemuReleases.highestCommand(target.version());
        for (StreamFacts.Record c : file.commands()) {
            if (c.value() > highest) {
                CommandType t = CommandType.of(c.value());
                out.add(CompatCode.COMMAND_UNSUPPORTED, c.offset(), "the file has command %s, which QEMU %s does not "
                        + "know%s%s", t == null ? String.valueOf(c.value()) : t.name(), target.version(),
                        t == CommandType.SWITCHOVER_START
                                ? " (sent by machine types of 10.0 and later: migration.send-switchover-start)" : "",
                        qemu("MIG_CMD 0x%x unknown (len 0x%x)", c.value(), c.length()));
            }
        }
    }
}
