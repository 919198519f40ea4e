package io.github.qmig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.qmig.testkit.Fixture;
import io.github.qmig.testkit.FixtureMetadata;
import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The commands run in process, as scripts see them: output, JSON fields and exit codes. */
class CliTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run qmig(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QmigCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Path fixture(String name) throws IOException {
        return Fixtures.get(name).decompressTo(tmp.resolve(name + ".mig"));
    }

    @Test
    void infoJsonHasTheContractFieldsWithQemusCounts() throws IOException {
        Fixture f = Fixtures.get("x86-pc-128M-paused");
        FixtureMetadata m = f.metadata();
        Run r = qmig("info", "--json", fixture(f.name()).toString());
        assertThat(r.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("format").asText()).isEqualTo("stream");
        assertThat(j.get("version").asInt()).isEqualTo(3);
        assertThat(j.get("machine").asText()).isEqualTo("pc-i440fx-10.0");
        assertThat(j.get("capabilities")).isEmpty();
        JsonNode ram = j.get("ram_blocks").get(0);
        assertThat(ram.get("name").asText()).isEqualTo("pc.ram");
        assertThat(ram.get("used_length").asLong()).isEqualTo(128L << 20);
        assertThat(ram.get("page_size").asInt()).isEqualTo(4096);
        long blockBytes = 0;
        for (JsonNode b : j.get("ram_blocks")) {
            blockBytes += b.get("used_length").asLong();
        }
        assertThat(blockBytes).as("block list sums to QEMU's ram.total").isEqualTo(m.counter("/ram/total"));
        assertThat(j.get("ram_records").get("page").asLong()).isEqualTo(m.counter("/ram/normal"));
        assertThat(j.get("ram_records").get("zero").asLong()).isEqualTo(m.counter("/ram/duplicate"));
        assertThat(j.get("ram_records").get("xbzrle").asLong()).isZero();
        assertThat(j.get("ram_records").get("compressed").asLong()).isZero();
        JsonNode first = j.get("sections").get(0);
        assertThat(first.get("name").asText()).isEqualTo("ram");
        assertThat(first.get("start").asInt()).isEqualTo(1);
        assertThat(first.get("end").asInt()).isEqualTo(1);
        assertThat(j.get("sections").findValues("full").stream().mapToInt(JsonNode::asInt).sum()).isEqualTo(30);
        assertThat(j.get("vmdesc").asBoolean()).isTrue();
        assertThat(j.get("complete").asBoolean()).isTrue();
    }

    @Test
    void infoTellsMappedRamAndXbzrle() throws IOException {
        JsonNode mapped = new ObjectMapper().readTree(qmig("info", "--json", fixture("x86-pc-128M-mapped-ram").toString()).out());
        assertThat(mapped.get("format").asText()).isEqualTo("mapped-ram");
        assertThat(mapped.get("capabilities").get(0).asText()).isEqualTo("mapped-ram");
        Fixture x = Fixtures.get("x86-pc-128M-live-xbzrle");
        JsonNode xb = new ObjectMapper().readTree(qmig("info", "--json", fixture(x.name()).toString()).out());
        assertThat(xb.get("ram_records").get("xbzrle").asLong()).isEqualTo(x.metadata().counter("/xbzrle-cache/pages")).isPositive();
    }

    @Test
    void humanInfoIsAnAlignedSummary() throws IOException {
        Run r = qmig("info", fixture("x86-q35-128M-paused").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Machine:      pc-q35-10.0").contains("pc.ram").contains("128 MiB")
                .contains("footers on").contains("VMDESCRIPTION present").doesNotContain("Source:");
    }

    @Test
    void humanInfoSaysWhatWrapsTheStream() {
        Path libvirtDir = Fixtures.testdataDir().resolve("libvirt");
        Run zstdImage = qmig("info", libvirtDir.resolve("x86-pc-128M-zstd.sav").toString());
        assertThat(zstdImage.code()).as(zstdImage.err()).isZero();
        assertThat(zstdImage.out()).startsWith("Source:       libvirt save image, format zstd, complete; "
                + "domain qmig-fixture, paused on restore\nFormat:       stream v3\n");
        Run archived = qmig("info", libvirtDir.resolve("x86-pc-128M-sparse.sav.zst").toString());
        assertThat(archived.out()).startsWith("Source:       zstd-compressed libvirt save image, format sparse,")
                .contains("Format:       mapped-ram v3");
        Run stream = qmig("info", Fixtures.get("x86-pc-128M-paused").compressed().toString());
        assertThat(stream.out()).startsWith("Source:       zstd-compressed stream\n");
    }

    @Test
    void convertToStreamReproducesTheFile() throws IOException {
        Path in = fixture("x86-pc-128M-live");
        Path out = tmp.resolve("out.mig");
        Run r = qmig("convert", "--to", "stream", in.toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.mismatch(in, out)).isEqualTo(-1);
    }

    @Test
    void extractWritesBlocksAndIndex() throws IOException {
        Path dir = tmp.resolve("blocks");
        Run r = qmig("extract", fixture("x86-pc-128M-paused").toString(), "-o", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(dir.resolve("pc.ram.raw")).hasSize(128L << 20);
        assertThat(dir.resolve("%2From@etc%2Facpi%2Ftables.raw")).exists();
        JsonNode idx = new ObjectMapper().readTree(dir.resolve("blocks.json").toFile());
        assertThat(idx.get(0).get("file").asText()).isEqualTo("pc.ram.raw");
        assertThat(idx.get(0).get("sha256").asText()).hasSize(64);
        assertThat(qmig("extract", fixture("x86-pc-128M-paused").toString(), "-o", dir.toString()).code())
                .as("existing non-empty DIR is refused").isEqualTo(3);
    }

    @Test
    void noSyncWritesTheSameOutputs() throws IOException {
        Path in = fixture("x86-pc-128M-paused");
        Path synced = tmp.resolve("synced.mig");
        Path unsynced = tmp.resolve("unsynced.mig");
        assertThat(qmig("convert", "--to", "mapped-ram", in.toString(), "-o", synced.toString()).code()).isZero();
        Run r = qmig("convert", "--no-sync", "--to", "mapped-ram", in.toString(), "-o", unsynced.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.mismatch(synced, unsynced)).isEqualTo(-1);
        Path back = tmp.resolve("back.mig");
        assertThat(qmig("convert", "--no-sync", "--to", "stream", unsynced.toString(), "-o", back.toString()).code())
                .isZero();
        Path dir = tmp.resolve("x");
        assertThat(qmig("extract", "--no-sync", back.toString(), "-o", dir.toString()).code()).isZero();
        Path ref = tmp.resolve("ref");
        assertThat(qmig("extract", in.toString(), "-o", ref.toString()).code()).isZero();
        assertThat(Files.readString(dir.resolve("blocks.json"))).isEqualTo(Files.readString(ref.resolve("blocks.json")));
    }

    @Test
    void extractNoHashWritesTheSameBlocksWithNullSha256() throws IOException {
        Path in = fixture("x86-pc-128M-paused");
        Path hashed = tmp.resolve("hashed");
        Path plain = tmp.resolve("plain");
        assertThat(qmig("extract", in.toString(), "-o", hashed.toString()).code()).isZero();
        Run r = qmig("extract", "--no-hash", in.toString(), "-o", plain.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(hashed.resolve("blocks.json").toFile());
        JsonNode b = new ObjectMapper().readTree(plain.resolve("blocks.json").toFile());
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).get("sha256").isNull()).isTrue();
            assertThat(b.get(i).get("name")).isEqualTo(a.get(i).get("name"));
            assertThat(b.get(i).get("used_length")).isEqualTo(a.get(i).get("used_length"));
            String file = a.get(i).get("file").asText();
            assertThat(Files.mismatch(hashed.resolve(file), plain.resolve(file))).isEqualTo(-1);
        }
        assertThat(r.out()).contains(" -  pc.ram.raw");
    }

    @Test
    void damagedInputIsOneLineWithFileOffsetAndSectionAndExitOne() throws IOException {
        Path in = fixture("x86-pc-128M-paused");
        Path cut = tmp.resolve("cut.mig");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(in), 100_000));
        Run r = qmig("convert", "--to", "mapped-ram", cut.toString(), "-o", tmp.resolve("o.mig").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("qmig: " + cut).contains("at byte 0x186a0")
                .contains("in section 'ram' instance 0").doesNotContain("Exception").doesNotContain("\n");
        assertThat(tmp.resolve("o.mig")).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("qmig-tmp"));
        }
    }

    @Test
    void offsetCountsInTheDecompressedStream() throws IOException {
        Fixture f = Fixtures.get("x86-pc-128M-mapped-ram-offset");
        long offset = f.metadata().uriOffset();
        assertThat(offset).isPositive();
        Run fromZst = qmig("info", "--json", "--offset", Long.toString(offset), f.compressed().toString());
        Run fromFile = qmig("info", "--json", "--offset", Long.toString(offset), fixture(f.name()).toString());
        assertThat(fromZst.code()).as(fromZst.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(fromZst.out());
        JsonNode b = new ObjectMapper().readTree(fromFile.out());
        assertThat(a.get("ram_records")).isEqualTo(b.get("ram_records"));
        assertThat(a.get("format").asText()).isEqualTo("mapped-ram");
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new picocli.CommandLine(new QmigCli()).getSubcommands().keySet()) {
            Run r = qmig(c, "--help");
            assertThat(r.code()).as(c + ": " + r.err()).isZero();
            assertThat(r.out()).as(c).contains("Usage: qmig " + c);
        }
        assertThat(qmig("--help").out()).contains("Exit codes:").containsPattern("\\n  3 +I/O or internal error")
                .containsPattern("\\n  130 +interrupted");
    }

    @Test
    void exitCodesForUsageAndIoErrors() {
        assertThat(qmig("info").code()).isEqualTo(2);
        assertThat(qmig("convert", "--to", "tape", "a", "-o", "b").code()).isEqualTo(2);
        Run missing = qmig("info", tmp.resolve("nope.mig").toString());
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).contains("no such file");
    }

    @Test
    void usageErrorsSayWhereHelpIs() {
        Run r = qmig("info", "--bogus", "x.mig");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--bogus'").contains("Try 'qmig info --help' for more information.");
    }

    @Test
    void negativeOffsetsAreUsageErrors() throws IOException {
        String f = fixture("x86-pc-128M-paused").toString();
        for (String[] args : new String[][] {{"info", "--offset", "-5", f}, {"dump", "--offset", "-1", f},
            {"validate", "--offset", "-1", f}, {"extract", "--offset", "-1", f, "-o", tmp.resolve("x").toString()},
            {"convert", "--to", "stream", "--input-offset", "-1", f, "-o", tmp.resolve("o").toString()},
            {"convert", "--to", "stream", "--output-offset", "-1", f, "-o", tmp.resolve("o").toString()}}) {
            Run r = qmig(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(args[0]).contains("must not be negative").doesNotContain("\tat ");
        }
    }

    @Test
    void convertOffsetIsTheDeprecatedSpellingOfOutputOffset() throws IOException {
        String f = fixture("x86-pc-128M-paused").toString();
        Path old = tmp.resolve("old.mig");
        Path now = tmp.resolve("new.mig");
        Run deprecated = qmig("convert", "--to", "stream", "--offset", "4096", f, "-o", old.toString());
        assertThat(deprecated.code()).as(deprecated.err()).isZero();
        assertThat(deprecated.err()).contains("--offset is deprecated: use --output-offset");
        assertThat(qmig("convert", "--to", "stream", "--output-offset", "4096", f, "-o", now.toString()).code()).isZero();
        assertThat(Files.readAllBytes(old)).isEqualTo(Files.readAllBytes(now));
        assertThat(qmig("info", "--offset", "4096", now.toString()).code()).isZero();
    }

    @Test
    void extractBlockByShortNameAndAnUnknownNameListsTheBlocks() throws IOException {
        String f = fixture("x86-pc-128M-paused").toString();
        Path dir = tmp.resolve("tables");
        Run r = qmig("extract", "--no-hash", "--block", "tables", f, "-o", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("%2From@etc%2Facpi%2Ftables.raw", "blocks.json");
        }
        Run unknown = qmig("extract", "--block", "ram", f, "-o", tmp.resolve("none").toString());
        assertThat(unknown.code()).as("a usage error").isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("qmig: " + f + ": no RAM block named 'ram'; the blocks are: pc.ram, "
                + "/rom@etc/acpi/tables, pc.bios, pc.rom, /rom@etc/table-loader, /rom@etc/acpi/rsdp\n");
        assertThat(tmp.resolve("none")).doesNotExist();
    }

    @Test
    void extractForceReplacesADirectoryOnlyWhenComplete() throws IOException {
        String f = fixture("x86-pc-128M-paused").toString();
        Path dir = Files.createDirectory(tmp.resolve("blocks"));
        Files.writeString(dir.resolve("mine.txt"), "keep");
        Run refused = qmig("extract", "--no-hash", f, "-o", dir.toString());
        assertThat(refused.code()).isEqualTo(3);
        assertThat(refused.err()).contains("not empty (--force replaces it)");
        Run failed = qmig("extract", "--force", "--block", "nope", f, "-o", dir.toString());
        assertThat(failed.code()).isEqualTo(2);
        assertThat(dir.resolve("mine.txt")).as("a failed run keeps the old directory").hasContent("keep");
        Run forced = qmig("extract", "--force", "--no-hash", f, "-o", dir.toString());
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(dir.resolve("mine.txt")).doesNotExist();
        assertThat(dir.resolve("pc.ram.raw")).hasSize(128L << 20);
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".qmig-tmp"));
        }
    }

    /** Files that are no migration stream: said once, on stderr, what they are; no summary. */
    @Test
    void filesThatAreNotMigrationStreamsAreNamed() throws IOException {
        Path elf = Fixtures.decompress(Fixtures.testdataDir().resolve("core/x86-pc-128M-core.core.zst"), tmp.resolve("x.core"));
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello, this is not a VM\nsecond line\n");
        Path empty = Files.createFile(tmp.resolve("empty.mig"));
        Path offset = Fixtures.get("x86-pc-128M-mapped-ram-offset").decompressTo(tmp.resolve("offset.mig"));
        record Case(Path file, String says) {
        }
        for (Case c : new Case[] {
            new Case(elf, "not a migration stream: an ELF file (a core dump"),
            new Case(text, "not a migration stream: text ('hello, this is not a VM...')"),
            new Case(empty, "not a migration stream: an empty file"),
            new Case(Path.of("/dev/null"), "not a migration stream: a character device that reads nothing"),
            new Case(Path.of("/dev/zero"), "not a migration stream: a character device whose bytes are zeros"),
            new Case(offset, "a migration stream starts at byte 4660 (0x1234): give that offset (--offset 4660")}) {
            for (String command : new String[] {"info", "dump", "extract"}) {
                Run r = command.equals("extract") ? qmig(command, c.file().toString(), "-o", tmp.resolve("x").toString())
                        : qmig(command, c.file().toString());
                assertThat(r.code()).as(command + " " + c.file() + ": " + r.err()).isEqualTo(1);
                assertThat(r.out()).as(command + " prints no summary").isEmpty();
                assertThat(r.err().lines()).as(command + " " + c.file()).hasSize(1)
                        .allMatch(l -> l.startsWith("qmig: " + c.file() + ": ")).allMatch(l -> l.contains(c.says()));
            }
            Run v = qmig("validate", "--json", c.file().toString());
            assertThat(v.code()).isEqualTo(1);
            assertThat(v.out()).contains(c.says().replace("'", "'"));
        }
        assertThat(qmig("info", "--offset", "4660", offset.toString()).code()).isZero();
    }

    /** A cut save: refused by the normal commands, salvaged with exit 5 and a report of what is missing. */
    @Test
    void salvageOfACutSaveExitsFiveAndSaysWhatIsMissing() throws IOException {
        Path whole = fixture("x86-pc-128M-paused");
        Path cut = tmp.resolve("cut.mig");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(whole), 4 << 20));
        assertThat(qmig("convert", "--to", "stream", cut.toString(), "-o", tmp.resolve("no.mig").toString()).code())
                .isEqualTo(1);
        assertThat(tmp.resolve("no.mig")).doesNotExist();

        Run convert = qmig("convert", "--salvage", "--to", "stream", cut.toString(), "-o", tmp.resolve("s.mig").toString());
        assertThat(convert.code()).as(convert.err()).isEqualTo(5);
        List<String> said = convert.err().lines().toList();
        assertThat(said.get(0)).startsWith("qmig: " + cut + ": ").contains("in section 'ram'");
        assertThat(said).contains("qmig: salvaged what " + cut + " holds before byte 0x400000")
                .anyMatch(l -> l.matches("qmig: RAM: pc\\.ram has \\d+ of 32768 pages; missing \\d+: 0x[0-9a-f]+-0x8000000.*"))
                .contains("qmig: device state: 0 device sections whole; none after the break is read");
        assertThat(qmig("validate", tmp.resolve("s.mig").toString()).out()).contains("ram-page-missing");

        Run extract = qmig("extract", "--partial", "--no-hash", cut.toString(), "-o", tmp.resolve("x").toString());
        assertThat(extract.code()).as(extract.err()).isEqualTo(5);
        JsonNode pcRam = new ObjectMapper().readTree(tmp.resolve("x/blocks.json").toFile()).get(0);
        assertThat(pcRam.get("name").asText()).isEqualTo("pc.ram");
        assertThat(pcRam.get("pages_missing").asLong()).isPositive().isLessThan(32768);
        assertThat(extract.err()).contains("pc.ram has " + (32768 - pcRam.get("pages_missing").asLong()) + " of 32768");

        Run wholeConvert = qmig("convert", "--salvage", "--to", "stream", whole.toString(), "-o", tmp.resolve("w.mig").toString());
        assertThat(wholeConvert.code()).as("a whole file: nothing to salvage").isZero();
        assertThat(wholeConvert.err()).isEmpty();
        assertThat(qmig("convert", "--salvage", "--to", "stream", cut.toString(), "-o", "-").code())
                .as("salvage cuts back a section: it needs a file").isEqualTo(2);
    }

    /** info's extras: run state and vCPUs from the device state, size, the load line, aligned columns. */
    @Test
    void infoSaysHowToLoadAndWhatTheGuestWas() throws IOException {
        Path paused = fixture("x86-pc-128M-paused");
        Run r = qmig("info", paused.toString());
        assertThat(r.out()).contains("Guest:        1 vCPU, paused when saved\n")
                .contains("Size:         " + io.github.qmig.inspect.info.HumanInfo.bytes(Files.size(paused)) + " (" + Files.size(paused) + " bytes)\n")
                .contains("Load with:    -machine pc-i440fx-10.0 -incoming defer; migrate-incoming file:" + paused + "\n");
        assertThat(qmig("info", fixture("x86-pc-128M-live").toString()).out()).contains("1 vCPU, running when saved");
        JsonNode j = new ObjectMapper().readTree(qmig("info", "--json", paused.toString()).out());
        assertThat(j.get("vcpus").asInt()).isEqualTo(1);
        assertThat(j.get("run_state").asText()).isEqualTo("paused");
        assertThat(j.at("/load/uri").asText()).isEqualTo("file:" + paused);

        // mapped-ram: clear bitmap bits are zero pages (QEMU's own count of them is "duplicate")
        Fixture mapped = Fixtures.get("x86-pc-128M-mapped-ram");
        JsonNode mj = new ObjectMapper().readTree(qmig("info", "--json", fixture(mapped.name()).toString()).out());
        assertThat(mj.at("/ram_blocks/0/zero").asLong()).isEqualTo(32768 - mj.at("/ram_blocks/0/mapped").asLong());
        assertThat(qmig("info", fixture(mapped.name()).toString()).out()).contains("capabilities mapped-ram");

        // ppc64's spapr_iommu instances are 2^31: the inst column widens to them
        List<String> lines = qmig("info", fixture("ppc64-pseries-256M-loader").toString()).out().lines()
                .dropWhile(l -> !l.contains(" section ")).toList();
        int sizeColumn = lines.get(0).indexOf("size") + 4;
        assertThat(lines).allMatch(l -> l.length() == sizeColumn, "every row ends under 'size'");
        assertThat(lines).anyMatch(l -> l.contains("spapr_iommu") && l.contains(" 2147483648 "));
    }

    @Test
    void refusesToOverwriteTheInput() throws IOException {
        Path in = fixture("x86-pc-128M-paused");
        byte[] before = Files.readAllBytes(in);
        Run r = qmig("convert", "--to", "stream", in.toString(), "-o", in.toString());
        assertThat(r.code()).as("a usage error").isEqualTo(2);
        assertThat(r.err()).contains("same file as the input");
        assertThat(Files.readAllBytes(in)).isEqualTo(before);
    }

    @Test
    void convertLibvirtWritesALibvirtImageOfTheOtherFormat() throws IOException {
        Path image = Fixtures.decompress(Fixtures.testdataDir().resolve("libvirt/x86-pc-128M-raw.sav.zst"),
                tmp.resolve("raw.sav"));
        Path sparse = tmp.resolve("sparse.sav");
        Run r = qmig("convert", "--libvirt", "--to", "mapped-ram", image.toString(), "-o", sparse.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode in = infoJson(image);
        JsonNode out = infoJson(sparse);
        assertThat(out.path("format").asText()).isEqualTo("mapped-ram");
        assertThat(out.path("libvirt").path("format").asText()).isEqualTo("sparse");
        assertThat(out.path("libvirt").path("domain_xml")).isEqualTo(in.path("libvirt").path("domain_xml"));
        assertThat(out.path("libvirt").path("was_running")).isEqualTo(in.path("libvirt").path("was_running"));

        Path bare = tmp.resolve("bare.mig");
        assertThat(qmig("convert", "--to", "mapped-ram", image.toString(), "-o", bare.toString()).code()).isZero();
        assertThat(infoJson(bare).has("libvirt")).as("without --libvirt: the QEMU stream alone").isFalse();

        Run notLibvirt = qmig("convert", "--libvirt", "--to", "stream", bare.toString(), "-o", tmp.resolve("x").toString());
        assertThat(notLibvirt.code()).isEqualTo(2);
        assertThat(notLibvirt.err()).contains("bare.mig is not a libvirt save image");
        Run withOffset = qmig("convert", "--libvirt", "--offset", "4096", "--to", "stream", image.toString(), "-o",
                tmp.resolve("x").toString());
        assertThat(withOffset.code()).isEqualTo(2);
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    /**
     * Outputs are made like any new file (0666/0777 less the umask), not private like temporary files;
     * one that replaces a file keeps that file's permissions, as {@code cp} does.
     */
    @Test
    void outputsGetTheUsualPermissions() throws IOException {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path in = fixture("x86-pc-128M-paused");
        Path out = tmp.resolve("out.mig");
        Path dir = tmp.resolve("blocks");
        assertThat(qmig("convert", "--no-sync", "--to", "mapped-ram", in.toString(), "-o", out.toString()).code()).isZero();
        assertThat(qmig("extract", "--no-sync", "--no-hash", in.toString(), "-o", dir.toString()).code()).isZero();
        Path newFile = Files.createFile(tmp.resolve("new-file"));
        Path newDir = Files.createDirectory(tmp.resolve("new-dir"));
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(newFile));
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(Files.getPosixFilePermissions(newDir));
        assertThat(Files.getPosixFilePermissions(dir.resolve("pc.ram.raw")))
                .isEqualTo(Files.getPosixFilePermissions(newFile));

        Set<PosixFilePermission> rwr = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(out, rwr);
        assertThat(qmig("convert", "--no-sync", "--to", "stream", in.toString(), "-o", out.toString()).code()).isZero();
        assertThat(Files.mismatch(in, out)).as("replaced").isEqualTo(-1);
        assertThat(Files.getPosixFilePermissions(out)).as("a replaced output keeps its permissions").isEqualTo(rwr);
    }

    private static JsonNode infoJson(Path file) throws IOException {
        Run r = qmig("info", "--json", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }
}
