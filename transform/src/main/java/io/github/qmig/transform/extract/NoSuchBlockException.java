package io.github.qmig.transform.extract;

import java.io.IOException;
import java.util.List;

/** {@code extract --block NAME} where the stream has no such block, or several with that short name. */
public final class NoSuchBlockException extends IOException {

    private static final long serialVersionUID = 1L;

    NoSuchBlockException(String input, String name, List<String> candidates, boolean ambiguous) {
        super(input + ": " + (ambiguous ? "several RAM blocks are called '" + name + "': "
                : "no RAM block named '" + name + "'; the blocks are: ") + String.join(", ", candidates));
    }
}
