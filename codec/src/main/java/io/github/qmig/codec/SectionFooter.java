package io.github.qmig.codec;

/**
 * A section footer: {@code 0x7E} + be32 section id, written after every section when the migration
 * property {@code send-section-footer} is on (migration/savevm.c {@code save_section_footer},
 * checked by {@code check_section_footer}).
 */
public record SectionFooter(long offset, int sectionId) implements MigrationEvent {
    public static final int TYPE = 0x7E;
}
