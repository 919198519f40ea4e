package io.github.qmig.snapshots.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * What {@code chain verify} found: one item per level (0 = the root), and the files of the
 * directory that the manifest does not name.
 */
public record ChainCheck(String dir, List<Item> levels, List<String> strayFiles) {

    /** One level: whether it holds what the manifest says, and what was found. */
    public record Item(int level, String file, boolean ok, String message) {
    }

    public ChainCheck {
        levels = List.copyOf(levels);
        strayFiles = List.copyOf(strayFiles);
    }

    public boolean ok() {
        return levels.stream().allMatch(Item::ok);
    }

    public ObjectNode toJson(ObjectMapper m) {
        ObjectNode o = m.createObjectNode();
        o.put("dir", dir);
        o.put("ok", ok());
        ArrayNode a = o.putArray("levels");
        for (Item i : levels) {
            a.addObject().put("level", i.level()).put("file", i.file()).put("ok", i.ok()).put("message", i.message());
        }
        strayFiles.forEach(o.putArray("stray_files")::add);
        return o;
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        for (Item i : levels) {
            b.append(String.format(Locale.ROOT, "level %d  %-18s %s  %s%n", i.level(), i.file(), i.ok() ? "ok  " : "FAIL",
                    i.message()));
        }
        for (String f : strayFiles) {
            b.append("not in the manifest (left by an interrupted update; the next push replaces a level file): ")
                    .append(f).append('\n');
        }
        b.append(ok() ? "chain ok\n" : "chain DAMAGED\n");
        return b.toString();
    }
}
