package io.github.qmig.compat;

import java.util.Objects;

/**
 * One finding of {@code qmig compat}.
 *
 * @param code     what it is (its severity comes with it)
 * @param section  the idstr of the section it belongs to ({@code ram} for RAM blocks and records), or null
 * @param instance that section's instance id, or -1
 * @param offset   the byte of the file where QEMU's loader meets it, or -1 when it concerns the whole
 *                 file or the target's set-up (the machine type, a capability)
 * @param message  a plain sentence that names what QEMU names, ending with QEMU's own message
 */
public record CompatProblem(CompatCode code, String section, long instance, long offset, String message) {

    public CompatProblem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public Severity severity() {
        return code.severity();
    }

    /** {@code message at byte 0x1b in section 'ram' instance 0}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(message);
        if (offset >= 0) {
            sb.append(String.format(" at byte 0x%x", offset));
        }
        if (section != null) {
            sb.append(" in section '").append(section).append("'");
            if (instance >= 0) {
                sb.append(" instance ").append(instance);
            }
        }
        return sb.toString();
    }
}
