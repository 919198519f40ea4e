package io.github.qmig.codec;

/**
 * The target page size of a stream: RAM records are in units of the guest's TARGET_PAGE_SIZE
 * (target/*&#47;cpu-param.h), which only variable-page targets write into the configuration.
 */
final class PageSizes {

    private PageSizes() {
    }

    static int of(int option, Configuration config, int fromDescription) {
        if (option > 0) {
            return option;
        }
        if (config != null && config.targetPageBits().isPresent()) {
            int bits = config.targetPageBits().getAsInt();
            if (bits >= 9 && bits <= 16) {
                return 1 << bits;
            }
        }
        // The description is untrusted: only a page size a target can have (512 B to 64 KiB) is used.
        if (fromDescription >= 512 && fromDescription <= 1 << 16 && Integer.bitCount(fromDescription) == 1) {
            return fromDescription;
        }
        String machine = config != null ? config.machine() : "";
        // sparc64 (sun4u/sun4v/niagara) and alpha (clipper) use 8 KiB target pages.
        if (machine.startsWith("sun4u") || machine.startsWith("sun4v") || machine.startsWith("niagara")
                || machine.startsWith("clipper")) {
            return 8192;
        }
        return 4096;
    }
}
