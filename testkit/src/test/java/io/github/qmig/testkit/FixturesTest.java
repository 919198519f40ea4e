package io.github.qmig.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixturesTest {
    @TempDir
    Path dir;

    @Test
    void decompressReproducesBytesIncludingHolesAndTrailingZeros() throws IOException {
        byte[] data = new byte[3 * 1024 * 1024 + 123];
        Random rnd = new Random(42);
        for (int i = 100_000; i < 200_000; i++) {
            data[i] = (byte) rnd.nextInt();
        }
        data[2 * 1024 * 1024 + 5] = 7; // lone non-zero byte in a zero region; file ends in zeros
        Path zst = dir.resolve("x.mig.zst");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(zst), 3)) {
            out.write(data);
        }
        Path target = Fixtures.decompress(zst, dir.resolve("x.mig"));
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        // the compressor's output decompresses too (long mode, checksum)
        Path raw = dir.resolve("raw");
        Files.write(raw, data);
        FixtureGenerator.compress(raw, dir.resolve("y.mig.zst"));
        assertThat(Files.readAllBytes(Fixtures.decompress(dir.resolve("y.mig.zst"), dir.resolve("y.mig"))))
                .isEqualTo(data);
    }

    @Test
    void metadataRoundTripsWithSnakeCaseNames() throws IOException {
        FixtureMetadata m = new FixtureMetadata("n", "d", "10.0.2", "10.0.2 (x)", "qemu-system-x86_64",
                List.of("qemu-system-x86_64", "-m", "128M"), "pc", "pc-i440fx-10.0", "128M",
                List.of("-kernel", "${testdata}/guest/build/qmig-guest.elf"), Map.of(), "paused", "mapped-ram",
                Map.of("mapped-ram", true), Map.of("multifd-channels", 4), 0x1234, "file:${file}",
                "qemu-system-x86_64", "pc", "file", Map.of("mapped-ram", true), Map.of(), 99, "ab",
                new ObjectMapper().readTree("{\"status\":\"completed\",\"ram\":{\"normal\":5}}"),
                List.of(new RamRange(0, 4096, "pc.ram", 0, "cd")), true, List.of("note"));
        Path p = dir.resolve("n.json");
        Fixtures.writeMetadata(m, p);
        String text = Files.readString(p);
        assertThat(text).contains("\"uri_offset\" : 4660", "\"region_offset\"", "\"query_migrate\"",
                "\"load_machine\"");
        FixtureMetadata back = Fixtures.readMetadata(p);
        assertThat(back).isEqualTo(m);
        assertThat(back.mappedRam()).isTrue();
        assertThat(back.counter("/ram/normal")).isEqualTo(5);
        assertThat(back.counter("/xbzrle-cache/pages")).isEqualTo(-1);
    }

    @Test
    void listsFixturesWithSidecarsOnly() throws IOException {
        Files.writeString(dir.resolve("a.mig.zst"), "");
        Files.writeString(dir.resolve("a.json"), "{}");
        Files.writeString(dir.resolve("b.mig.zst"), ""); // no sidecar
        assertThat(Fixtures.list(dir)).extracting(Fixture::name).containsExactly("a");
    }

    @Test
    void testdataDirComesFromTheSystemPropertyOrTheTree() {
        Path d = Fixtures.testdataDir();
        assertThat(d.resolve("guest/build.sh")).exists();
        assertThatThrownBy(() -> Fixtures.get("no-such-fixture")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void resolvesAndUnresolvesPlaceholders() {
        Path td = Path.of("/t/testdata");
        Path work = Path.of("/tmp/w1");
        List<String> args = List.of("-kernel", "${testdata}/guest/build/qmig-guest.elf",
                "file.filename=${work}/disk0.qcow2");
        List<String> resolved = FixtureLoader.resolveArgs(args, td, work);
        assertThat(resolved).containsExactly("-kernel", "/t/testdata/guest/build/qmig-guest.elf",
                "file.filename=/tmp/w1/disk0.qcow2");
        List<String> argv = new java.util.ArrayList<>(List.of("/usr/bin/qemu-system-x86_64"));
        argv.addAll(resolved);
        assertThat(FixtureGenerator.unresolve(argv, "qemu-system-x86_64", td, work))
                .containsExactly("qemu-system-x86_64", "-kernel", "${testdata}/guest/build/qmig-guest.elf",
                        "file.filename=${work}/disk0.qcow2");
    }

    @Test
    void execUriQuotesAndHonoursOffsets() {
        assertThat(FixtureLoader.execUri(Path.of("/a b/f.mig"), 0)).isEqualTo("exec:cat '/a b/f.mig'");
        assertThat(FixtureLoader.execUri(Path.of("/f"), 0x10)).isEqualTo("exec:tail -c +17 '/f'");
        assertThat(QemuVm.fileUri(Path.of("/f"), 0x1234)).isEqualTo("file:/f,offset=0x1234");
        assertThat(QemuVm.fileUri(Path.of("/f"), 0)).isEqualTo("file:/f");
    }

    @Test
    void catalogNamesAreUniqueAndSelectable() {
        List<FixtureSpec> all = FixtureCatalog.all();
        assertThat(all).extracting(FixtureSpec::name).doesNotHaveDuplicates();
        assertThat(FixtureGenerator.select(all, List.of("x86-pc-128M-mapped-ram*")))
                .extracting(FixtureSpec::name)
                .contains("x86-pc-128M-mapped-ram", "x86-pc-128M-mapped-ram-offset");
        assertThatThrownBy(() -> FixtureGenerator.select(all, List.of("nope")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
