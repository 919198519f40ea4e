package io.github.qmig.inspect.validate;

import io.github.qmig.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem codes are a contract: each is unique, kebab-case and documented in docs/validate.md. */
class ProblemCodeDocsTest {

    @Test
    void everyCodeIsUniqueAndDocumented() throws IOException {
        Path doc = Fixtures.testdataDir().resolveSibling("docs").resolve("validate.md");
        String text = Files.readString(doc);
        Set<String> seen = new HashSet<>();
        for (ProblemCode c : ProblemCode.values()) {
            assertThat(c.id()).matches("[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(seen.add(c.id())).as(c.id()).isTrue();
            assertThat(text).as("docs/validate.md documents %s", c.id()).contains("`" + c.id() + "`");
        }
    }
}
