package io.github.qmig.compat;

import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem codes are a contract: unique, kebab-case, each in docs/compat.md's table with its severity. */
class CompatCodeDocsTest {

    @Test
    void everyCodeIsUniqueAndDocumentedWithItsSeverity() throws IOException {
        String doc = Files.readString(Fixtures.testdataDir().resolveSibling("docs").resolve("compat.md"));
        Set<String> seen = new HashSet<>();
        for (CompatCode c : CompatCode.values()) {
            assertThat(c.id()).matches("[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(seen.add(c.id())).as(c.id()).isTrue();
            Matcher row = Pattern.compile("^\\| `" + Pattern.quote(c.id()) + "` \\| (\\w+) \\|", Pattern.MULTILINE)
                    .matcher(doc);
            assertThat(row.find()).as("docs/compat.md has a row for %s", c.id()).isTrue();
            assertThat(row.group(1)).as(c.id()).isEqualTo(c.severity().label());
        }
        Matcher any = Pattern.compile("^\\| `([a-z0-9-]+)` \\| (error|warning|info) \\|", Pattern.MULTILINE).matcher(doc);
        while (any.find()) {
            assertThat(seen).as("documented code %s exists", any.group(1)).contains(any.group(1));
        }
    }
}
