package io.github.qmig.snapshots.chain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.MigrationFormatException.Code;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A chain directory's {@code chain.json}: the root save and the increments on it, base to top.
 * Every update writes a new manifest beside the old one and renames it into place, so a reader
 * sees the chain before or after an update, never in between.
 *
 * <pre>{@code
 * {"format": "qmig-chain", "version": 1, "page_size": 4096,
 *  "root": {"file": "root.mig", "digest": "…", "bytes": 11534336, "save_bytes": 11534336},
 *  "levels": [{"level": 1, "file": "level-0001.qinc", "base": "…", "result": "…",
 *              "stream_digest": "…", "pages": 249, "bytes": 1069160, "save_bytes": 11400000}]}
 * }</pre>
 *
 * {@code bytes} is what the chain stores for a level, {@code save_bytes} the size of the save it
 * stands for as it was given (its QEMU stream).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChainManifest(String format, int version, int pageSize, Root root, List<Level> levels) {

    public static final String FILE = "chain.json";
    public static final String FORMAT = "qmig-chain";
    public static final int VERSION = 1;
    /** Files named in a manifest are plain names inside the directory. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_BYTES = 16 << 20;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The root save. */
    public record Root(String file, String digest, long bytes, long saveBytes) {
    }

    /** One increment. */
    public record Level(int level, String file, String base, String result, String streamDigest, long pages, long bytes,
                        long saveBytes) {
    }

    public ChainManifest {
        levels = List.copyOf(levels);
    }

    static ChainManifest of(int pageSize, Root root) {
        return new ChainManifest(FORMAT, VERSION, pageSize, root, List.of());
    }

    /** The digest of the top level's state. */
    public String topDigest() {
        return levels.isEmpty() ? root.digest() : levels.get(levels.size() - 1).result();
    }

    ChainManifest with(Level l) {
        List<Level> out = new ArrayList<>(levels);
        out.add(l);
        return new ChainManifest(format, version, pageSize, root, out);
    }

    ChainManifest withoutTop() {
        return new ChainManifest(format, version, pageSize, root, levels.subList(0, levels.size() - 1));
    }

    byte[] encode() throws JsonProcessingException {
        return (JSON.writeValueAsString(this) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses and checks a manifest.
     *
     * @throws MigrationFormatException CORRUPT for anything but a manifest of this version that
     *         names files inside its directory and digests in hex
     */
    static ChainManifest parse(byte[] json, String source) throws MigrationFormatException {
        if (json.length > MAX_BYTES) {
            throw new MigrationFormatException(Code.LIMIT_EXCEEDED, source, 0, -1, null, "chain manifest over 16 MiB");
        }
        ChainManifest m;
        try {
            m = JSON.readValue(json, ChainManifest.class);
        } catch (JsonProcessingException e) {
            throw new MigrationFormatException(Code.CORRUPT, source, e.getLocation() == null ? 0 : e.getLocation().getByteOffset(),
                    -1, null, "not a chain manifest: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new MigrationFormatException(Code.CORRUPT, source, 0, -1, null, "not a chain manifest: " + e.getMessage());
        }
        String bad = null;
        if (m == null || !FORMAT.equals(m.format()) || m.root() == null) {
            bad = "not a chain manifest";
        } else if (m.version() != VERSION) {
            throw new MigrationFormatException(Code.UNSUPPORTED_VERSION, source, 0, -1, null,
                    "chain manifest version " + m.version() + " (this qmig reads version 1)");
        } else if (!name(m.root().file()) || !digest(m.root().digest())) {
            bad = "a root with a file name outside the directory or no digest";
        } else {
            for (int i = 0; i < m.levels().size(); i++) {
                Level l = m.levels().get(i);
                if (l == null || l.level() != i + 1 || !name(l.file()) || !digest(l.base()) || !digest(l.result())
                        || !digest(l.streamDigest())) {
                    bad = "level " + (i + 1) + " is not numbered in order, names a file outside the directory, or lacks a digest";
                    break;
                }
            }
        }
        if (bad != null) {
            throw new MigrationFormatException(Code.CORRUPT, source, 0, -1, null, bad);
        }
        return m;
    }

    private static boolean name(String f) {
        return f != null && NAME.matcher(f).matches() && !f.startsWith(".");
    }

    private static boolean digest(String d) {
        return d != null && DIGEST.matcher(d).matches();
    }
}
