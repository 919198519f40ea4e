package io.github.qmig.testsuite;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of the layout that the compiler does not enforce, checked on the main sources: the
 * codec's internals stay the codec's, and consumers of events never hold the producer (page size,
 * section and payload travel on the events).
 */
class ArchitectureTest {

    private static final Pattern CONSUMER = Pattern.compile("class \\w+[^{]*implements [^{]*\\b(EventConsumer|Check)\\b");
    private static final Pattern PRODUCER_FIELD = Pattern.compile(
            "^\\s*(private|protected|public)?\\s*(final\\s+)?(MigrationReader|ByteSource|BodyContext|MigrationInput)\\s+\\w+\\s*[;=]",
            Pattern.MULTILINE);

    private static List<Path> mainSources() throws IOException {
        Path root = Path.of(System.getProperty("qmig.testdata")).getParent();
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && !p.toString().contains("/target/")).forEach(out::add);
        }
        assertThat(out).as("main sources under " + root).hasSizeGreaterThan(100);
        return out;
    }

    @Test
    void codecInternalsAreUsedOnlyInTheCodec() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : mainSources()) {
            String s = Files.readString(p, StandardCharsets.UTF_8);
            if (!p.toString().contains("/codec/src/") && s.contains("io.github.qmig.codec.internal")) {
                offenders.add(p.toString());
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void consumersOfEventsDoNotHoldTheReader() throws IOException {
        List<String> offenders = new ArrayList<>();
        int consumers = 0;
        for (Path p : mainSources()) {
            String s = Files.readString(p, StandardCharsets.UTF_8);
            if (!CONSUMER.matcher(s).find()) {
                continue;
            }
            consumers++;
            Matcher m = PRODUCER_FIELD.matcher(s);
            while (m.find()) {
                offenders.add(p.getFileName() + ": " + m.group().trim());
            }
        }
        assertThat(consumers).as("event consumers and checks found").isGreaterThanOrEqualTo(12);
        assertThat(offenders).isEmpty();
    }
}
