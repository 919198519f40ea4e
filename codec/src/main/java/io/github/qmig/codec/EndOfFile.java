package io.github.qmig.codec;

/** The EOF record, byte {@code 0x00} ({@code QEMU_VM_EOF}): the end of device state. */
public record EndOfFile(long offset) implements MigrationEvent {
    public static final int TYPE = 0x00;
}
