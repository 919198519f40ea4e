package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.Command;
import io.github.qmig.codec.CommandType;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;

/**
 * Commands (migration/savevm.c {@code loadvm_process_command}): known numbers, and only those a
 * file can carry; the others need the return path of a socket migration.
 */
public final class CommandCheck implements Check {

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (!(e instanceof Command c)) {
            return;
        }
        CommandType t = c.type();
        if (t == null) {
            out.add(ProblemCode.COMMAND_INVALID, c.offset() + 1, null, "unknown command %d (QEMU 10 knows 1 to 11)",
                    c.code());
            return;
        }
        switch (t) {
            case SWITCHOVER_START, POSTCOPY_ADVISE, ENABLE_COLO -> {
            }
            default -> out.add(ProblemCode.COMMAND_NEEDS_RETURN_PATH, c.offset(), null,
                    "command %s belongs to a socket migration with a return path; QEMU cannot load it from a file", t);
        }
    }
}
