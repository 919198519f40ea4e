package io.github.qmig.testkit.compat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What a real QEMU did when it was asked to load a file.
 *
 * @param verdict {@code completed}; {@code failed} (the load started and QEMU refused the stream);
 *     {@code start-failed} (the target did not start with that command line, e.g. an unknown machine
 *     type or device); {@code setup-failed} (QEMU refused a capability before the load)
 * @param error QEMU's first error line for the failure, without the {@code qemu-system-x86_64: }
 *     prefix (the most specific message: QEMU prints the cause first, then the callers' context);
 *     for {@code setup-failed}, the QMP error
 * @param stderrLines every line QEMU printed on stderr during start-up and load, in order, program
 *     prefix removed (warnings included; the 7.2 build's "failed to open module" noise dropped)
 * @param errorDesc {@code error-desc} of the target's {@code query-migrate} (QEMU 9.1+ with {@code
 *     exit-on-error=false}); QEMU 10.0 puts only the generic last line there
 * @param qemuExited whether the target process exited by itself (QEMU 7.2 does on a failed load)
 * @param runState {@code query-status} after a completed load
 * @param ramMatchesSource after a completed load: whether every RAM range of the target hashes as
 *     the source's did after the save (null when not compared)
 * @param ramDifferences the differing ranges when not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"verdict", "error", "stderr_lines", "error_desc", "qemu_exited", "run_state",
    "ram_matches_source", "ram_differences"})
public record LoadOutcome(
        @JsonProperty("verdict") String verdict,
        @JsonProperty("error") String error,
        @JsonProperty("stderr_lines") List<String> errorLines,
        @JsonProperty("error_desc") String errorDesc,
        @JsonProperty("qemu_exited") Boolean qemuExited,
        @JsonProperty("run_state") String runState,
        @JsonProperty("ram_matches_source") Boolean ramMatchesSource,
        @JsonProperty("ram_differences") List<String> ramDifferences) {}
