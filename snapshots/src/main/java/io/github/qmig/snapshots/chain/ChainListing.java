package io.github.qmig.snapshots.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.qmig.input.IncrementHeader;

import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code chain list}: the levels, what each stores and stands for, and the ratio of the bytes the
 * chain stores to the bytes of the saves it holds.
 */
public record ChainListing(Path dir, ChainManifest manifest) {

    public static ChainListing of(Path dir, ChainManifest m) {
        return new ChainListing(dir, m);
    }

    /** Bytes of the root and every increment. */
    public long storedBytes() {
        return manifest.root().bytes() + manifest.levels().stream().mapToLong(ChainManifest.Level::bytes).sum();
    }

    /** Bytes of the saves as they were given (their QEMU streams). */
    public long saveBytes() {
        return manifest.root().saveBytes() + manifest.levels().stream().mapToLong(ChainManifest.Level::saveBytes).sum();
    }

    public double ratio() {
        return saveBytes() == 0 ? 0 : (double) storedBytes() / saveBytes();
    }

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode o = m.createObjectNode();
        o.put("dir", dir.toString());
        o.put("page_size", manifest.pageSize());
        ArrayNode a = o.putArray("levels");
        ChainManifest.Root r = manifest.root();
        a.addObject().put("level", 0).put("file", r.file()).put("bytes", r.bytes()).put("save_bytes", r.saveBytes())
                .put("digest", r.digest());
        for (ChainManifest.Level l : manifest.levels()) {
            a.addObject().put("level", l.level()).put("file", l.file()).put("bytes", l.bytes()).put("save_bytes", l.saveBytes())
                    .put("digest", l.result()).put("base", l.base()).put("pages", l.pages());
        }
        o.put("stored_bytes", storedBytes());
        o.put("save_bytes", saveBytes());
        o.put("ratio", Math.round(ratio() * 10000) / 10000.0);
        return o;
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%5s  %-16s %12s %12s %9s  %s%n", "level", "file", "stored", "save", "pages", "state"));
        ChainManifest.Root r = manifest.root();
        b.append(String.format(Locale.ROOT, "%5d  %-16s %12d %12d %9s  %s%n", 0, r.file(), r.bytes(), r.saveBytes(), "all",
                IncrementHeader.shortForm(r.digest())));
        for (ChainManifest.Level l : manifest.levels()) {
            b.append(String.format(Locale.ROOT, "%5d  %-16s %12d %12d %9d  %s%n", l.level(), l.file(), l.bytes(), l.saveBytes(),
                    l.pages(), IncrementHeader.shortForm(l.result())));
        }
        b.append(String.format(Locale.ROOT, "stored %d bytes for %d bytes of saves: %.1f%%%n", storedBytes(), saveBytes(),
                100 * ratio()));
        return b.toString();
    }
}
