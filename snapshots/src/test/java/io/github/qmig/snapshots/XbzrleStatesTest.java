package io.github.qmig.snapshots;

import io.github.qmig.codec.ReadLimits;
import io.github.qmig.input.MigrationInput;
import io.github.qmig.output.OutputOptions;
import io.github.qmig.snapshots.diff.Differ;
import io.github.qmig.snapshots.increment.IncrementWriter;
import io.github.qmig.snapshots.increment.Layers;
import io.github.qmig.snapshots.increment.Restore;
import io.github.qmig.testkit.Fixtures;
import io.github.qmig.transform.convert.StreamConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live save with XBZRLE pages (re-sent pages as deltas over their earlier content) has the final
 * state of its conversion to mapped-ram (which decodes every delta), also read from a pipe; as the
 * base of an increment it applies, its XBZRLE records passed on, to the state it was diffed with.
 */
class XbzrleStatesTest {

    @TempDir
    Path tmp;

    private static final OutputOptions NO_SYNC = OutputOptions.defaults().withSync(false);

    @Test
    void anXbzrleSaveHasTheStateOfItsDecodedConversion() throws IOException {
        Path live = Fixtures.get("x86-pc-128M-live-xbzrle").decompressTo(tmp.resolve("live.mig"));
        Path mapped = tmp.resolve("mapped.mig");
        try (MigrationInput in = MigrationInput.open(live, 0)) {
            StreamConverter.toMappedRam(in, mapped, 0, NO_SYNC);
        }
        String compressed = Fixtures.get("x86-pc-128M-live-xbzrle").compressed().toString();
        for (String a : List.of(live.toString(), compressed)) {
            assertThat(Differ.compare(a, mapped.toString(), ReadLimits.defaults(), tmp).identical()).as(a).isTrue();
            assertThat(Differ.compare(mapped.toString(), a, ReadLimits.defaults(), tmp).identical()).as(a).isTrue();
        }
        Path other = Fixtures.get("x86-pc-128M-paused").decompressTo(tmp.resolve("paused.mig"));
        Path d = tmp.resolve("d.qinc");
        IncrementWriter.delta(live.toString(), other.toString(), d, NO_SYNC, ReadLimits.defaults());
        Path out = tmp.resolve("out.mig");
        try (Layers l = Layers.open(live.toString(), List.of(d.toString()), ReadLimits.defaults(), tmp)) {
            Restore.write(l, out.toString(), false, NO_SYNC);
        }
        assertThat(Differ.compare(out.toString(), other.toString(), ReadLimits.defaults(), tmp).identical()).isTrue();
        Path back = tmp.resolve("back.qinc");
        IncrementWriter.delta(other.toString(), live.toString(), back, NO_SYNC, ReadLimits.defaults());
        Path again = tmp.resolve("again.mig");
        try (Layers l = Layers.open(compressed, List.of(d.toString(), back.toString()), ReadLimits.defaults(), tmp)) {
            Restore.write(l, again.toString(), true, NO_SYNC);
        }
        assertThat(Differ.compare(again.toString(), live.toString(), ReadLimits.defaults(), tmp).identical())
                .as("an XBZRLE base from a pipe, two increments, mapped-ram out").isTrue();
    }
}
