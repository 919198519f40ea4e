package io.github.qmig.inspect.dump;

import io.github.qmig.ramblock.PageTally;
import io.github.qmig.testkit.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code qmig dump --format analyze-migration} against what QEMU 10.0's analyze-migration.py printed
 * for the same real files: text for text, for {@code -d state} and {@code -d desc}.
 */
class AnalyzeMigrationCompatTest {

    static List<String> stateFixtures() {
        return Expected.names("state");
    }

    static List<String> descFixtures() {
        return Expected.names("desc");
    }

    static List<String> pagesSkippedFixtures() {
        return Expected.names("state-pages-skipped");
    }

    @Test
    void everyFixtureTheScriptReadsHasExpectedOutputs() {
        assertThat(stateFixtures()).hasSizeGreaterThanOrEqualTo(15)
                .contains("x86-pc-128M-paused", "x86-pc-128M-mapped-ram", "aarch64-virt-128M-loader",
                        "ppc64-pseries-256M-loader", "s390x-ccw-128M-loader", "x86-pc14-128M-qemu72");
        assertThat(descFixtures()).containsAll(stateFixtures()).contains("x86-pc-128M-dirty-bitmaps");
    }

    @ParameterizedTest
    @MethodSource("stateFixtures")
    void stateEqualsTheScriptsOutput(String name) throws Exception {
        MigrationDump dump = Expected.dumpStream(Expected.fixture(name));
        assertThat(AnalyzeMigrationRenderer.state(dump)).isEqualTo(Expected.output(name, "state"));
    }

    @ParameterizedTest
    @MethodSource("descFixtures")
    void descEqualsTheScriptsOutput(String name) throws Exception {
        MigrationDump dump = Expected.dumpStream(Expected.fixture(name));
        assertThat(AnalyzeMigrationRenderer.desc(dump)).isEqualTo(Expected.output(name, "desc"));
    }

    /**
     * The script raises on XBZRLE and zlib page records; with those two branches changed to skip
     * the record (README), its output is what qmig prints for the file as it is.
     */
    @ParameterizedTest
    @MethodSource("pagesSkippedFixtures")
    void filesWithXbzrleOrZlibPagesStillDump(String name) throws Exception {
        MigrationDump dump = Expected.dumpStream(Expected.fixture(name));
        PageTally.Counts all = dump.ramBlocks().stream().map(RamBlockSummary::pages).reduce(PageTally.Counts.NONE, PageTally.Counts::plus);
        assertThat(all.xbzrle() + all.compressed()).as("records the script cannot read").isPositive();
        assertThat(AnalyzeMigrationRenderer.state(dump)).isEqualTo(Expected.output(name, "state-pages-skipped"));
    }

    /** Read from a seekable file, FULL sections are delimited with the VMDESCRIPTION: same output. */
    @Test
    void seekableFileGivesTheSameOutput(@TempDir Path tmp) throws Exception {
        Fixture f = Expected.fixture("x86-q35-128M-validate-uuid");
        MigrationDump dump = Expected.dumpFile(Expected.decompress(f, tmp), 0);
        assertThat(AnalyzeMigrationRenderer.state(dump)).isEqualTo(Expected.output(f.name(), "state"));
        assertThat(AnalyzeMigrationRenderer.desc(dump)).isEqualTo(Expected.output(f.name(), "desc"));
    }
}
