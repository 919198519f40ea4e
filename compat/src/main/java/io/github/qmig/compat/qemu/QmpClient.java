package io.github.qmig.compat.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.compat.TargetException;

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
import java.util.Map;

/**
 * A small QMP client over a unix socket (docs/interop/qmp-spec.rst): reads the greeting, leaves
 * capability negotiation with {@code qmp_capabilities}, then runs one command at a time and returns
 * its {@code return} value; events in between are skipped. Every wait ends at a deadline
 * ({@link System#nanoTime()}), and a message longer than {@code maxMessage} bytes is refused.
 */
final class QmpClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final Selector selector;
    private final int maxMessage;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long nextId = 1;

    private QmpClient(SocketChannel channel, int maxMessage) throws IOException {
        this.channel = channel;
        this.maxMessage = maxMessage;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    /** Connects (once), reads the greeting and negotiates; null if the socket does not accept yet. */
    static QmpClient connect(Path socket, long deadline, int maxMessage) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            return null;
        }
        QmpClient q = new QmpClient(ch, maxMessage);
        try {
            if (!q.read(deadline).has("QMP")) {
                throw new TargetException("QMP: no greeting on " + socket);
            }
            q.execute("qmp_capabilities", null, deadline);
            return q;
        } catch (IOException | RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * Runs {@code command} with {@code arguments} (or none) and returns its {@code return} value.
     *
     * @throws TargetException on an {@code error} reply (its {@code desc}), the deadline, or a closed connection
     */
    JsonNode execute(String command, Map<String, ?> arguments, long deadline) throws IOException {
        long id = nextId++;
        ObjectNode msg = JSON.createObjectNode().put("execute", command).put("id", id);
        if (arguments != null) {
            msg.set("arguments", JSON.valueToTree(arguments));
        }
        ByteBuffer out = ByteBuffer.wrap((JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                waitUntil(deadline, command);
            }
        }
        while (true) {
            JsonNode reply = read(deadline);
            if (reply.has("event") || (reply.has("id") && reply.get("id").asLong() != id)) {
                continue;
            }
            if (reply.has("error")) {
                throw new TargetException(command + ": " + reply.get("error").path("desc").asText(reply.toString()));
            }
            if (reply.has("return")) {
                return reply.get("return");
            }
            throw new TargetException("QMP: unexpected reply to " + command + ": " + reply);
        }
    }

    /** The next JSON message (one line). */
    private JsonNode read(long deadline) throws IOException {
        while (true) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    byte[] text = line.toByteArray();
                    line.reset();
                    buffer.compact();
                    return JSON.readTree(text);
                }
                if (line.size() >= maxMessage) {
                    throw new TargetException("QMP: a message longer than " + maxMessage + " bytes");
                }
                line.write(b);
            }
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                throw new TargetException("QMP: QEMU closed the connection");
            }
            if (n == 0) {
                waitUntil(deadline, "a QMP reply");
            }
        }
    }

    private void waitUntil(long deadline, String what) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new TargetException("QMP: timed out waiting for " + what);
        }
        selector.select(Math.min(left, 1000));
        selector.selectedKeys().clear();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
