package io.github.qmig.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestRamTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = GuestRamTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesPcMemoryFlatView() throws IOException {
        List<RamRange> r = GuestRam.parseMtree(resource("mtree-pc-10.0.txt"));
        assertThat(r).extracting(RamRange::region)
                .containsExactly("pc.ram", "pc.rom", "pc.bios", "pc.ram", "pc.bios");
        assertThat(r.get(0)).isEqualTo(new RamRange(0, 0xc0000, "pc.ram", 0, null));
        assertThat(r.get(2)).isEqualTo(new RamRange(0xe0000, 0x20000, "pc.bios", 0x20000, null));
        assertThat(r.get(3)).isEqualTo(new RamRange(0x100000, 0x7f00000, "pc.ram", 0x100000, null));
        assertThat(r.get(4)).isEqualTo(new RamRange(0xfffc0000L, 0x40000, "pc.bios", 0, null));
    }

    @Test
    void picksTheViewOfAddressSpaceMemoryEvenWhenNotFirst() throws IOException {
        String text = resource("mtree-q35-10.0.txt");
        assertThat(text.indexOf("AS \"memory\"")).isGreaterThan(text.indexOf("FlatView #1"));
        List<RamRange> r = GuestRam.parseMtree(text);
        // the smm view repeats the same ranges; they must not be counted twice
        assertThat(r).hasSize(5);
        assertThat(r).extracting(RamRange::start).isSorted();
    }

    @Test
    void includesRomdFlashAndIgnoresIo() throws IOException {
        List<RamRange> r = GuestRam.parseMtree(resource("mtree-aarch64-virt-10.0.txt"));
        assertThat(r).extracting(RamRange::region).containsExactly("virt.flash0", "virt.flash1", "mach-virt.ram");
        assertThat(r.get(2).start()).isEqualTo(0x40000000L);
        assertThat(r.get(2).length()).isEqualTo(128L << 20);
    }

    @Test
    void parsesQemu72AndS390x() throws IOException {
        assertThat(GuestRam.parseMtree(resource("mtree-pc-7.2.txt"))).extracting(RamRange::region)
                .containsExactly("pc.ram", "pc.rom", "pc.bios", "pc.ram", "pc.bios");
        assertThat(GuestRam.parseMtree(resource("mtree-s390x-10.0.txt")))
                .containsExactly(new RamRange(0, 128L << 20, "s390.ram", 0, null));
    }

    @Test
    void handlesOffsetsKvmSuffixNonVolatileAndAliases() {
        String text = String.join("\n",
                "FlatView #0",
                " AS \"memory\", root: system",
                " Root memory region: system",
                "  0000000000000000-0000000000000fff (prio 0, ram): pc.ram KVM",
                "  0000000000001000-0000000000001fff (prio 0, rom): pc.ram @0000000000001000 KVM",
                "  0000000000002000-0000000000002fff (prio 0, nv-ram): nvdimm @0000000000000010",
                "  0000000000003000-0000000000003fff (prio 0, i/o): ioapic",
                "  0000000100000000-000000013fffffff (prio 0, ram): pc.ram @0000000008000000",
                "",
                "FlatView #1",
                " AS \"I/O\", root: io",
                "  0000000000000000-0000000000000007 (prio 0, ram): not-this-view",
                "");
        List<RamRange> r = GuestRam.parseMtree(text);
        assertThat(r).containsExactly(
                new RamRange(0, 0x1000, "pc.ram", 0, null),
                new RamRange(0x1000, 0x1000, "pc.ram", 0x1000, null),
                new RamRange(0x2000, 0x1000, "nvdimm", 0x10, null),
                new RamRange(0x100000000L, 0x40000000L, "pc.ram", 0x8000000L, null));
    }

    @Test
    void failsWithoutMemoryAddressSpace() {
        assertThatThrownBy(() -> GuestRam.parseMtree("FlatView #0\n AS \"I/O\", root: io\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory");
    }

    @Test
    void differencesNameTheMismatchingRange() {
        RamRange a = new RamRange(0, 4096, "pc.ram", 0, "aa");
        RamRange b = new RamRange(0, 4096, "pc.ram", 0, "bb");
        assertThat(GuestRam.differences(List.of(a), List.of(a))).isEmpty();
        assertThat(GuestRam.differences(List.of(a), List.of(b))).singleElement().asString().contains("pc.ram");
        assertThat(GuestRam.differences(List.of(a, a), List.of(a))).hasSize(1);
    }
}
