package io.github.qmig.cli;

import org.junit.jupiter.api.Test;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The man pages (AsciiDoc, one per command) and the bash completion in docs/ are generated from the
 * picocli model, so they cannot drift from the code: this test fails when they differ, and
 * {@code mvn -pl cli test -Dtest=GeneratedDocsTest -Dqmig.updateDocs=true} rewrites them.
 */
class GeneratedDocsTest {

    private static Path docs() {
        Path dir = Path.of(System.getProperty("qmig.testdata", "../testdata")).getParent().resolve("docs");
        assertThat(dir).isDirectory();
        return dir;
    }

    static Map<String, String> generate() {
        CommandLine root = new CommandLine(new QmigCli());
        Map<String, String> out = new LinkedHashMap<>();
        out.put("man/qmig.adoc", manPage(root.getCommandSpec()));
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help")) {
                out.put("man/qmig-" + sub.getCommandName() + ".adoc", manPage(sub.getCommandSpec()));
                for (CommandLine subsub : sub.getSubcommands().values()) { // chain push, chain restore, ...
                    out.put("man/qmig-" + sub.getCommandName() + "-" + subsub.getCommandName() + ".adoc",
                            manPage(subsub.getCommandSpec()));
                }
            }
        }
        out.put("completion/qmig.bash", AutoComplete.bash("qmig", root));
        return out;
    }

    private static String manPage(CommandSpec spec) {
        StringWriter w = new StringWriter();
        try (PrintWriter pw = new PrintWriter(w)) {
            ManPageGenerator.writeSingleManPage(pw, spec);
        }
        return w.toString();
    }

    @Test
    void manPagesAndCompletionMatchTheCommandModel() throws IOException {
        Path docs = docs();
        boolean update = Boolean.getBoolean("qmig.updateDocs");
        for (Map.Entry<String, String> e : generate().entrySet()) {
            Path file = docs.resolve(e.getKey());
            if (update) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
            }
            assertThat(file).as("regenerate with -Dqmig.updateDocs=true").exists();
            assertThat(Files.readString(file)).as(e.getKey() + " (regenerate with -Dqmig.updateDocs=true)")
                    .isEqualTo(e.getValue());
        }
    }
}
