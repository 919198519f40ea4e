package io.github.qmig.testkit.compat;

import com.github.luben.zstd.ZstdOutputStream;
import io.github.qmig.testkit.Qemu;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a QEMU binary what it accepts: {@code -dump-vmstate} per machine type, {@code -machine
 * help}, {@code --version}; writes them under {@code DIR/qemu-X.Y.Z/}.
 *
 * <p>{@code qemu -machine M -dump-vmstate FILE} writes a JSON object and exits: one key {@code
 * vmschkmachine} ({@code {"Name": M}}) and one key per device type (class, whether instantiated or
 * not) that has a VMState description. The content does not depend on the machine type (only
 * {@code vmschkmachine} differs): machine-type compatibility properties change what is sent, not
 * the descriptions the loader checks against.
 */
public final class SchemaDumper {
    private static final Pattern VERSION = Pattern.compile("QEMU emulator version (\\d+\\.\\d+\\.\\d+)");

    private SchemaDumper() {}

    /** {@code major.minor.micro} of a binary, from {@code --version}. */
    public static String version(String binary) throws IOException {
        Matcher m = VERSION.matcher(run(binary, List.of("--version"), null));
        if (!m.find()) {
            throw new IOException(binary + " --version: no version");
        }
        return m.group(1);
    }

    /**
     * Writes {@code qemu-V/version.txt}, {@code qemu-V/machines.txt} and {@code
     * qemu-V/<machine>.vmstate.json.zst} for every machine type.
     *
     * @return the directory written
     */
    public static Path dump(String binary, List<String> machines, Path outDir) throws IOException {
        String version = version(binary);
        Path dir = Files.createDirectories(outDir.resolve("qemu-" + version));
        Files.writeString(dir.resolve("version.txt"), run(binary, List.of("--version"), null));
        Files.writeString(dir.resolve("machines.txt"), run(binary, List.of("-machine", "help"), null));
        for (String m : machines) {
            Path json = Files.createTempFile("qmig-vmstate", ".json");
            try {
                run(binary, List.of("-machine", m, "-accel", "tcg", "-nodefaults", "-display", "none",
                        "-dump-vmstate", json.toString()), json);
                compress(json, dir.resolve(m + ".vmstate.json.zst"));
            } finally {
                Files.deleteIfExists(json);
            }
        }
        return dir;
    }

    /** Runs a binary to completion and returns its stdout (stderr is dropped). */
    static String run(String binary, List<String> args, Path mustExist) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Qemu.find(binary).map(Path::toString).orElse(binary));
        cmd.addAll(args);
        Path out = Files.createTempFile("qmig-qemu", ".out");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd + " did not finish");
            }
            if (p.exitValue() != 0 || (mustExist != null && Files.size(mustExist) == 0)) {
                throw new IOException(cmd + " failed with status " + p.exitValue());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** zstd level 19 with a checksum, like the fixtures. */
    static void compress(Path raw, Path zst) throws IOException {
        Path tmp = zst.resolveSibling(zst.getFileName() + ".tmp");
        try (InputStream in = Files.newInputStream(raw);
                OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                ZstdOutputStream z = new ZstdOutputStream(fileOut, 19)) {
            z.setChecksum(true);
            in.transferTo(z);
        }
        Files.move(tmp, zst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
