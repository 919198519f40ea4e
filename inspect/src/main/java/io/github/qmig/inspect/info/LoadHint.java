package io.github.qmig.inspect.info;

import io.github.qmig.input.MigrationInput;
import io.github.qmig.ramblock.RamPage;

import java.util.ArrayList;
import java.util.List;

/**
 * How to load a saved VM into QEMU: the machine type, the capabilities the destination must have
 * set before {@code migrate-incoming} (those QEMU checks against the stream: {@code mapped-ram} and
 * {@code x-ignore-shared} in the configuration, migration/savevm.c
 * {@code vmstate_capabilites}), and a URI that reads it: the file, or qmig writing the stream
 * ({@code exec:}) where it is wrapped or has zlib pages (which QEMU 9.1 and later cannot load).
 *
 * @param machine      the machine type, or null when the stream does not name it
 * @param capabilities to set on the destination
 * @param uri          for {@code migrate-incoming}
 * @param note         what else to know, or null
 */
public record LoadHint(String machine, List<String> capabilities, String uri, String note) {

    public LoadHint {
        capabilities = List.copyOf(capabilities);
    }

    public static LoadHint of(StreamSummary s, MigrationInput input) {
        List<String> caps = new ArrayList<>();
        for (String c : s.capabilities) {
            if (c.equals("mapped-ram") || c.equals("x-ignore-shared")) {
                caps.add(c);
            }
        }
        boolean zlib = s.pages.get(RamPage.Kind.COMPRESSED) > 0;
        String in = input.path() != null ? input.path().toString() : input.name();
        String uri;
        String note = null;
        if (s.mappedRam) {
            uri = input.path() != null && input.layers().isEmpty() ? "file:" + in : "file:FILE";
            if (!input.layers().isEmpty() || input.path() == null) {
                note = "mapped-ram is read at its offsets: write it to a FILE first, qmig convert --to mapped-ram";
            }
        } else if (zlib) {
            uri = "exec:qmig convert --to stream --normalize " + in + snapshot(input) + " -o -";
            note = "its zlib pages decoded: QEMU 9.1 and later load none, 9.0 and older only with compress";
        } else if (input.path() != null && input.layers().isEmpty()) {
            uri = "file:" + in;
        } else {
            uri = "exec:qmig convert --to stream " + in + snapshot(input) + " -o -";
        }
        return new LoadHint(s.machine, caps, uri, note);
    }

    private static String snapshot(MigrationInput input) {
        return input.qcow2() != null ? " --snapshot " + input.qcow2().snapshot().id() : "";
    }

    /** One line: {@code -machine M -incoming defer; capabilities ...; migrate-incoming URI}. */
    public String line() {
        StringBuilder b = new StringBuilder();
        b.append(machine != null ? "-machine " + machine : "-machine (the source's: the file does not name it)");
        b.append(" -incoming defer; ");
        if (!capabilities.isEmpty()) {
            b.append("capabilities ").append(String.join(", ", capabilities)).append("; ");
        }
        b.append("migrate-incoming ").append(uri);
        if (note != null) {
            b.append(" (").append(note).append(')');
        }
        return b.toString();
    }
}
