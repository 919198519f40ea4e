package io.github.qmig.inspect.validate.checks;

import io.github.qmig.codec.Configuration;
import io.github.qmig.codec.MigrationEvent;
import io.github.qmig.input.LibvirtHeader;
import io.github.qmig.inspect.validate.ProblemCode;
import io.github.qmig.inspect.validate.ProblemSink;

/**
 * A libvirt save image around the stream (libvirt src/qemu/qemu_saveimage.c): its magic says the
 * save completed, and a {@code sparse} image holds a mapped-ram stream.
 */
public final class LibvirtCheck implements Check {

    private final LibvirtHeader header;

    /** Reports an incomplete save at once: it is the first thing to know about the file. */
    public LibvirtCheck(LibvirtHeader header, ProblemSink out) {
        this.header = header;
        if (!header.complete()) {
            out.add(ProblemCode.LIBVIRT_SAVE_INCOMPLETE, 0, null,
                    "libvirt save image magic '%s': the save never completed", header.magic());
        }
    }

    @Override
    public void accept(MigrationEvent e, ProblemSink out) {
        if (e instanceof Configuration c && header.format() == LibvirtHeader.FORMAT_SPARSE
                && !c.hasCapability("mapped-ram")) {
            out.add(ProblemCode.MAPPED_RAM_CAPABILITY_MISSING, c.offset(), null,
                    "libvirt image format 'sparse' but the configuration does not declare mapped-ram");
        }
    }
}
