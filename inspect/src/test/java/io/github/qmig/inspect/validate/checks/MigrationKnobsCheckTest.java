package io.github.qmig.inspect.validate.checks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationKnobsCheckTest {

    /** Machine types whose compatibility includes hw_compat_2_3, by their names' versions. */
    @Test
    void machineTypesTwoThreeAndOlderAreOld() {
        assertThat(MigrationKnobsCheck.oldMachine("pc-i440fx-1.4")).isTrue();
        assertThat(MigrationKnobsCheck.oldMachine("pc-q35-2.3")).isTrue();
        assertThat(MigrationKnobsCheck.oldMachine("pseries-2.3")).isTrue();
        assertThat(MigrationKnobsCheck.oldMachine("pc-0.15")).isTrue();
        assertThat(MigrationKnobsCheck.oldMachine("pc-i440fx-2.4")).isFalse();
        assertThat(MigrationKnobsCheck.oldMachine("pc-i440fx-10.0")).isFalse();
        assertThat(MigrationKnobsCheck.oldMachine("virt")).isFalse();
        assertThat(MigrationKnobsCheck.oldMachine("pc-99999999999999.1")).as("no number overflow").isFalse();
    }
}
