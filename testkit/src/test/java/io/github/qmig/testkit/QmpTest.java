package io.github.qmig.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a scripted fake server on a unix socket. */
class QmpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLOSE = "<close>";

    @TempDir
    Path dir;

    private final List<Thread> threads = new ArrayList<>();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Thread t : threads) {
            t.interrupt();
            t.join(2000);
        }
    }

    /**
     * Starts a fake QEMU: sends the greeting, then for each request line writes whatever {@code
     * reply} returns (several lines may be returned; null = no reply).
     */
    private Path server(Function<JsonNode, List<String>> reply) throws IOException {
        Path sock = dir.resolve("qmp.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        Thread t = new Thread(() -> {
            try (server; SocketChannel ch = server.accept()) {
                OutputStream out = Channels.newOutputStream(ch);
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                        StandardCharsets.UTF_8));
                // QEMU sends "\r\n"-terminated lines
                out.write("{\"QMP\": {\"version\": {\"qemu\": {\"major\": 10}}, \"capabilities\": []}}\r\n"
                        .getBytes(StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode req = JSON.readTree(line);
                    received.add(req);
                    List<String> lines = req.path("execute").asText().equals("qmp_capabilities")
                            ? List.of("{\"return\": {}, \"id\": " + req.path("id") + "}")
                            : reply.apply(req);
                    if (lines != null) {
                        if (lines.contains(CLOSE)) {
                            return;
                        }
                        for (String l : lines) {
                            out.write((l + "\r\n").getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
            } catch (IOException ignored) {
                // client went away
            }
        });
        t.setDaemon(true);
        t.start();
        threads.add(t);
        return sock;
    }

    @Test
    void negotiatesAndReturnsTheReturnValue() throws IOException {
        Path sock = server(req -> List.of("{\"return\": {\"status\": \"paused\"}, \"id\": " + req.path("id") + "}"));
        try (Qmp qmp = Qmp.connect(sock, Duration.ofSeconds(5))) {
            assertThat(qmp.greeting().path("QMP").path("version").path("qemu").path("major").asInt()).isEqualTo(10);
            JsonNode r = qmp.execute("query-status");
            assertThat(r.path("status").asText()).isEqualTo("paused");
        }
        assertThat(received).extracting(n -> n.path("execute").asText())
                .containsExactly("qmp_capabilities", "query-status");
    }

    @Test
    void sendsArgumentsAndSkipsEvents() throws IOException {
        Path sock = server(req -> List.of(
                "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}",
                "{\"event\": \"MIGRATION\", \"data\": {\"status\": \"setup\"}}",
                "{\"return\": {}, \"id\": " + req.path("id") + "}"));
        try (Qmp qmp = Qmp.connect(sock, Duration.ofSeconds(5))) {
            JsonNode r = qmp.execute("migrate", Map.of("uri", "file:/x"));
            assertThat(r.isObject()).isTrue();
            assertThat(qmp.events()).extracting(e -> e.path("event").asText()).containsExactly("STOP", "MIGRATION");
            qmp.clearEvents();
            assertThat(qmp.events()).isEmpty();
        }
        assertThat(received.get(1).path("arguments").path("uri").asText()).isEqualTo("file:/x");
    }

    @Test
    void errorReplyThrowsWithClassAndDescription() throws IOException {
        Path sock = server(req -> List.of("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no such thing\"},"
                + " \"id\": " + req.path("id") + "}"));
        try (Qmp qmp = Qmp.connect(sock, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> qmp.execute("bogus"))
                    .isInstanceOf(QmpException.class)
                    .hasMessageContaining("bogus")
                    .hasMessageContaining("no such thing")
                    .extracting(e -> ((QmpException) e).errorClass())
                    .isEqualTo("GenericError");
        }
    }

    @Test
    void hmpReturnsText() throws IOException {
        Path sock = server(req -> List.of("{\"return\": \"0000000000000500: 0x454e4f44\\r\\n\", \"id\": "
                + req.path("id") + "}"));
        try (Qmp qmp = Qmp.connect(sock, Duration.ofSeconds(5))) {
            assertThat(qmp.hmp("xp /1wx 0x500")).startsWith("0000000000000500: 0x454e4f44");
        }
        assertThat(received.get(1).path("arguments").path("command-line").asText()).isEqualTo("xp /1wx 0x500");
    }

    @Test
    void missingReplyTimesOutInsteadOfHanging() throws IOException {
        Path sock = server(req -> null);
        try (Qmp qmp = Qmp.connect(sock, Duration.ofSeconds(5))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> qmp.execute("query-status", null, Duration.ofMillis(300)))
                    .isInstanceOf(QmpException.class)
                    .hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void ignoresLateRepliesToEarlierCommands() throws IOException {
        Path sock = server(req -> {
            long id = req.path("id").asLong();
            return List.of("{\"return\": {\"stale\": true}, \"id\": " + (id - 1) + "}",
                    "{\"return\": {\"n\": " + id + "}, \"id\": " + id + "}");
        });
        try (Qmp qmp = Qmp.connect(sock, Duration.ofSeconds(5))) {
            assertThat(qmp.execute("a").has("n")).isTrue();
        }
    }

    @Test
    void closedConnectionThrows() throws IOException {
        Path sock = server(req -> List.of(CLOSE));
        try (Qmp qmp = Qmp.connect(sock, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> qmp.execute("x", null, Duration.ofSeconds(5))).isInstanceOf(QmpException.class);
        }
    }

    @Test
    void connectTimesOutWhenNobodyListens() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Qmp.connect(dir.resolve("nothing.sock"), Duration.ofMillis(200)))
                .isInstanceOf(QmpException.class)
                .hasMessageContaining("cannot connect");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
}
