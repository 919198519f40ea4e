package io.github.qmig.codec.vmdesc;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The field decoder on hand-built payloads, one rule at a time. */
class VmstateDecoderTest {

    /** A vmsd object, parsed by the one parser (as a description's configuration object). */
    private static Vmsd desc(String json) throws Exception {
        byte[] b = ("{\"configuration\": " + json.replace('\'', '"') + "}").getBytes(StandardCharsets.UTF_8);
        return Description.parse(b, ReadLimits.defaults()).configuration();
    }

    private static VmValue.Struct decode(String json, String hex) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", "")));
        VmValue.Struct s = VmstateDecoder.decode(desc(json), b, 100, "test", null, 0);
        assertThat(b.remaining()).as("bytes left").isZero();
        return s;
    }

    private static VmValue only(VmValue.Struct s, int field) {
        return s.fields().get(field).elements().get(0);
    }

    @Test
    void integersAreBigEndianSignedOrUnsignedByType() throws Exception {
        VmValue.Struct s = decode("{'fields': [{'name': 'a', 'type': 'int16', 'size': 2},"
                + "{'name': 'b', 'type': 'uint16', 'size': 2}, {'name': 'c', 'type': 'int32 le', 'size': 4},"
                + "{'name': 'd', 'type': 'uint64', 'size': 8}, {'name': 't', 'type': 'timer', 'size': 8}]}",
                "fffe fffe 00000102 ffffffffffffffff ffffffffffffffff");
        assertThat(((VmValue.Int) only(s, 0)).value()).isEqualTo(BigInteger.valueOf(-2));
        assertThat(((VmValue.Int) only(s, 1)).value()).isEqualTo(BigInteger.valueOf(0xfffe));
        assertThat(((VmValue.Int) only(s, 2)).value()).as("'int32 le' is big-endian").isEqualTo(BigInteger.valueOf(258));
        assertThat(((VmValue.Int) only(s, 3)).value()).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(((VmValue.Int) only(s, 4)).value()).as("timer -1 = not armed").isEqualTo(BigInteger.valueOf(-1));
        assertThat(s.fields().get(1).offset()).isEqualTo(102);
    }

    @Test
    void boolBufferNullptrAndCapability() throws Exception {
        VmValue.Struct s = decode("{'fields': [{'name': 'b', 'type': 'bool', 'size': 1},"
                + "{'name': 'buf', 'type': 'buffer', 'size': 3}, {'name': 'p', 'type': 'nullptr', 'size': 1},"
                + "{'name': 'cap', 'type': 'capability', 'size': 11}]}", "01 aabbcc 30 0a 6d61707065642d72616d");
        assertThat(((VmValue.Bool) only(s, 0)).value()).isTrue();
        assertThat(compact(only(s, 1).raw())).isEqualTo("aabbcc");
        assertThat(only(s, 2)).isInstanceOf(VmValue.NullPtr.class);
        assertThat(((VmValue.Capability) only(s, 3)).name()).isEqualTo("mapped-ram");
    }

    @Test
    void nullPointerMarkerMustBe0x30() {
        assertThatThrownBy(() -> decode("{'fields': [{'name': 'p', 'type': 'nullptr', 'size': 1}]}", "00"))
                .isInstanceOf(MigrationFormatException.class).hasMessageContaining("0x30");
    }

    @Test
    void arraysStructsAndSubsections() throws Exception {
        String d = "{'vmsd_name': 'dev', 'version': 3, 'fields': ["
                + "{'name': 'r', 'array_len': 3, 'type': 'uint8', 'size': 1},"
                + "{'name': 's', 'index': 0, 'type': 'struct', 'struct': {'vmsd_name': 'e', 'version': 1,"
                + "  'fields': [{'name': 'x', 'type': 'uint16', 'size': 2}]}, 'size': 2},"
                + "{'name': 's', 'type': 'nullptr', 'size': 1}],"
                + "'subsections': [{'vmsd_name': 'dev/sub', 'version': 2, 'fields': [{'name': 'y', 'type': 'int8', 'size': 1}]}]}";
        VmValue.Struct s = decode(d, "010203 0007 30 05 07 6465762f737562 00000002 ff");
        assertThat(s.vmsdName()).isEqualTo("dev");
        assertThat(s.fields().get(0).elements()).hasSize(3);
        assertThat(s.fields().get(0).isArray()).isTrue();
        assertThat(s.fields().get(1).index()).isZero();
        assertThat(s.subsections()).singleElement().satisfies(sub -> {
            assertThat(sub.name()).isEqualTo("dev/sub");
            assertThat(sub.version()).isEqualTo(2);
            assertThat(sub.offset()).isEqualTo(106);
        });
        // the script's view of the same value: inspect's AnalyzeMigrationStructTest
    }

    @Test
    void tmpFieldWithItsOwnFieldsIsDecodedInline() throws Exception {
        VmValue.Struct s = decode("{'fields': [{'name': 'tmp', 'type': 'tmp', 'vmsd_name': 'fpreg_tmp', 'version': 0,"
                + "'fields': [{'name': 'm', 'type': 'uint64', 'size': 8}, {'name': 'e', 'type': 'uint16', 'size': 2}],"
                + "'size': 10}]}", "0000000000000001 4000");
        VmValue.Bytes tmp = (VmValue.Bytes) only(s, 0);
        assertThat(tmp.inline()).isNotNull();
        assertThat(((VmValue.Int) tmp.inline().fields().get(1).elements().get(0)).value().intValue()).isEqualTo(0x4000);
    }

    @Test
    void structSizeMustMatchItsFields() {
        assertThatThrownBy(() -> decode("{'fields': [{'name': 's', 'type': 'struct', 'struct': {'fields': ["
                + "{'name': 'x', 'type': 'uint8', 'size': 1}]}, 'size': 2}]}", "0102"))
                .isInstanceOf(MigrationFormatException.class).hasMessageContaining("VMDESCRIPTION says 2");
    }

    @Test
    void payloadShorterThanTheDescription() {
        assertThatThrownBy(() -> decode("{'fields': [{'name': 'x', 'type': 'uint32', 'size': 4}]}", "0102"))
                .isInstanceOf(MigrationFormatException.class).hasMessageContaining("'x'");
        assertThatThrownBy(() -> decode("{'fields': [], 'subsections': [{'vmsd_name': 'a/b', 'fields': []}]}", "04"))
                .isInstanceOf(MigrationFormatException.class).hasMessageContaining("subsection 'a/b'");
    }

    private static String compact(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HexFormat.of().formatHex(a);
    }
}
