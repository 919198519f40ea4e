package io.github.qmig.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal QMP client over a unix socket (JDK 16+ unix-domain {@link SocketChannel}, no other
 * dependency).
 *
 * <p>{@link #connect} reads the greeting and negotiates with {@code qmp_capabilities}. {@link
 * #execute} sends one command and returns its {@code return} value; an {@code error} reply throws
 * {@link QmpException}. Asynchronous events that arrive in between are kept in {@link #events()}.
 * Every wait is bounded: nothing here blocks longer than the given timeout.
 *
 * <p>Not thread-safe; use one instance per thread.
 */
public final class Qmp implements AutoCloseable {
    /** Default timeout for one command's reply. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_EVENTS = 1000;

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final List<JsonNode> events = new ArrayList<>();
    private final JsonNode greeting;
    private long nextId = 1;

    private Qmp(SocketChannel channel, Duration timeout) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        long deadline = deadline(timeout);
        JsonNode first = readMessage(deadline);
        if (!first.has("QMP")) {
            throw new QmpException("not a QMP greeting: " + first);
        }
        this.greeting = first;
        executeUntil("qmp_capabilities", null, deadline);
    }

    /**
     * Connects to a QMP unix socket, retrying until it accepts (QEMU creates it during start-up).
     *
     * @param socket path of the socket ({@code -qmp unix:PATH,server=on,wait=off})
     * @param timeout overall limit for connecting, the greeting and capability negotiation
     * @throws QmpException if the socket does not accept in time or the handshake fails
     */
    public static Qmp connect(Path socket, Duration timeout) {
        long deadline = deadline(timeout);
        IOException last = null;
        while (true) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(socket));
                return new Qmp(ch, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (IOException e) {
                last = e;
                closeQuietly(ch);
            } catch (RuntimeException e) {
                closeQuietly(ch);
                throw e;
            }
            if (System.nanoTime() > deadline) {
                throw new QmpException("cannot connect to QMP socket " + socket + " within " + timeout, last);
            }
            sleep(20);
        }
    }

    /** The greeting object QEMU sent ({@code {"QMP": {"version": ...}}}). */
    public JsonNode greeting() {
        return greeting;
    }

    /** Runs a command without arguments; see {@link #execute(String, Map, Duration)}. */
    public JsonNode execute(String command) {
        return execute(command, null, DEFAULT_TIMEOUT);
    }

    /** Runs a command with the {@linkplain #DEFAULT_TIMEOUT default timeout}. */
    public JsonNode execute(String command, Map<String, ?> arguments) {
        return execute(command, arguments, DEFAULT_TIMEOUT);
    }

    /**
     * Runs one QMP command.
     *
     * @param command QMP command name, e.g. {@code query-migrate}
     * @param arguments the {@code arguments} object (converted with Jackson), or {@code null}
     * @param timeout how long to wait for the reply
     * @return the reply's {@code return} value (an empty object for most commands)
     * @throws QmpException on an {@code error} reply, a timeout or a closed connection
     */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) {
        return executeUntil(command, arguments, deadline(timeout));
    }

    /** Runs an HMP command through {@code human-monitor-command} and returns its text output. */
    public String hmp(String commandLine) {
        return hmp(commandLine, DEFAULT_TIMEOUT);
    }

    /** Like {@link #hmp(String)} with an explicit timeout. */
    public String hmp(String commandLine, Duration timeout) {
        JsonNode r = execute("human-monitor-command", Map.of("command-line", commandLine), timeout);
        return r.asText();
    }

    /** Events received so far (oldest first; at most the last 1000 are kept). */
    public List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** Forgets the events received so far. */
    public void clearEvents() {
        events.clear();
    }

    @Override
    public void close() {
        closeQuietly(selector);
        closeQuietly(channel);
    }

    private JsonNode executeUntil(String command, Map<String, ?> arguments, long deadline) {
        long id = nextId++;
        ObjectNode msg = JSON.createObjectNode();
        msg.put("execute", command);
        if (arguments != null && !arguments.isEmpty()) {
            msg.set("arguments", JSON.valueToTree(arguments));
        }
        msg.put("id", id);
        try {
            byte[] bytes = (JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8);
            writeFully(ByteBuffer.wrap(bytes), deadline);
            while (true) {
                JsonNode reply = readMessage(deadline);
                if (reply.has("event")) {
                    if (events.size() >= MAX_EVENTS) {
                        events.remove(0);
                    }
                    events.add(reply);
                    continue;
                }
                if (reply.has("id") && reply.get("id").asLong() != id) {
                    continue; // a late reply to an earlier command that timed out
                }
                if (reply.has("error")) {
                    JsonNode err = reply.get("error");
                    throw new QmpException(
                            command + ": " + err.path("desc").asText(err.toString()),
                            err.path("class").asText(null),
                            null);
                }
                if (reply.has("return")) {
                    return reply.get("return");
                }
                throw new QmpException("unexpected QMP message: " + reply);
            }
        } catch (IOException e) {
            throw new QmpException(command + ": QMP I/O error: " + e.getMessage(), e);
        }
    }

    /** Reads the next complete JSON line, bounded by {@code deadline} (System.nanoTime). */
    private JsonNode readMessage(long deadline) throws IOException {
        while (true) {
            JsonNode line = takeLine();
            if (line != null) {
                return line;
            }
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                throw new QmpException("timed out waiting for QMP reply");
            }
            selector.select(Math.max(1, Math.min(remainingMs, 1000)));
            selector.selectedKeys().clear();
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n < 0) {
                throw new QmpException("QMP connection closed by QEMU");
            }
            pending.write(readBuffer.array(), 0, n);
        }
    }

    private JsonNode takeLine() throws IOException {
        byte[] buf = pending.toByteArray();
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == '\n') {
                String text = new String(buf, 0, i, StandardCharsets.UTF_8).trim();
                pending.reset();
                pending.write(buf, i + 1, buf.length - i - 1);
                if (text.isEmpty()) {
                    return takeLine();
                }
                return JSON.readTree(text);
            }
        }
        return null;
    }

    private void writeFully(ByteBuffer buf, long deadline) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.write(buf) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new QmpException("timed out writing to QMP socket");
                }
                sleep(1);
            }
        }
    }

    static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted", e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}
