package io.github.qmig.cli;

import io.github.qmig.cli.command.ApplyCommand;
import io.github.qmig.cli.command.ChainCommand;
import io.github.qmig.cli.command.CompatCommand;
import io.github.qmig.cli.command.ConvertCommand;
import io.github.qmig.cli.command.DeltaCommand;
import io.github.qmig.cli.command.DiffCommand;
import io.github.qmig.cli.command.DumpCommand;
import io.github.qmig.cli.command.ExtractCommand;
import io.github.qmig.cli.command.InfoCommand;
import io.github.qmig.cli.command.ValidateCommand;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.output.UnsuitableOutputException;
import io.github.qmig.transform.extract.NoSuchBlockException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The {@code qmig} root command. {@link #main} exits; {@link #run} is what tests call. */
@Command(name = "qmig", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Inspect, convert, validate and compare QEMU migration streams and mapped-ram files; "
                + "keep snapshot sets as increments and chains; check compatibility with a target QEMU.",
        subcommands = {InfoCommand.class, ConvertCommand.class, ExtractCommand.class, DumpCommand.class, ValidateCommand.class,
            DiffCommand.class, DeltaCommand.class, ApplyCommand.class, ChainCommand.class, CompatCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (validate: every file valid; compat: compatible)",
            "1:a file is invalid or unreadable as a migration file (compat: incompatible)",
            "2:usage error (also: an output that is the input or cannot be written where asked, an unknown --block)",
            "3:I/O or internal error (also: standard output could not be written)",
            "4:diff only (where 1 means different): a file is invalid or unreadable as a migration file",
            "5:salvaged (convert --salvage, extract --partial): the input breaks off; the output holds what it had",
            "130:interrupted (Ctrl-C): no output is left behind",
            "143:terminated (SIGTERM): no output is left behind"})
public final class QmigCli {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
            description = "No progress display (it only ever appears when stderr is a terminal).")
    boolean quiet;

    public static void main(String[] args) {
        Interrupts.install();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err),
                StandardCharsets.UTF_8), true);
        int code = run(args, out, err);
        out.flush();
        if (out.checkError() && code != ExitCode.USAGE.code()) { // a full disk, a closed pipe, /dev/full
            err.println("qmig: cannot write standard output");
            code = ExitCode.IO_ERROR.code();
        }
        System.exit(code);
    }

    /** Runs qmig with the given output streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        QmigCli root = new QmigCli();
        CommandLine cl = new CommandLine(root);
        cl.setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parse) -> handle(e, root, err));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("qmig: " + ex.getMessage());
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandName().equals("qmig") ? "qmig" : "qmig " + c.getCommandName();
            err.println("Try '" + name + " --help' for more information.");
            return ExitCode.USAGE.code();
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (Error e) { // picocli hands on only exceptions; an error still ends in one line, exit 3
            code = handle(e, root, err);
        }
        out.flush();
        err.flush();
        return code;
    }

    /** Whether progress is shown (the global {@code -q}). */
    boolean quiet() {
        return quiet;
    }

    private static int handle(Throwable thrown, QmigCli root, PrintWriter err) {
        if (Interrupts.happened()) {
            return Interrupts.exitCode(); // the signal handler has said so and is cleaning up
        }
        // RamPage.array() and other callbacks wrap I/O errors: report what went wrong, not the wrapper
        Throwable e = thrown instanceof UncheckedIOException u ? u.getCause() : thrown;
        ExitCode code;
        String message;
        if (e instanceof MigrationFormatException f) {
            code = ExitCode.INVALID;
            message = f.getMessage();
        } else if (e instanceof UnsuitableOutputException || e instanceof NoSuchBlockException) {
            code = ExitCode.USAGE;
            message = e.getMessage();
        } else if (e instanceof NoSuchFileException f) {
            code = ExitCode.IO_ERROR;
            message = f.getFile() + ": no such file";
        } else if (e instanceof AccessDeniedException f) {
            code = ExitCode.IO_ERROR;
            message = f.getFile() + ": permission denied";
        } else if (e instanceof IOException) {
            code = ExitCode.IO_ERROR;
            message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        } else {
            code = ExitCode.IO_ERROR;
            message = "internal error: " + e;
        }
        err.println("qmig: " + message);
        if (root.debug) {
            thrown.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }
}
