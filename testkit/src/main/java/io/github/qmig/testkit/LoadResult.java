package io.github.qmig.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What {@link FixtureLoader#load} observed.
 *
 * @param ramRanges guest RAM of the destination after the load
 * @param queryMigrate the destination's final {@code query-migrate}
 * @param commandLine the destination's argv
 * @param stderr what the destination QEMU printed on stderr (warnings)
 */
public record LoadResult(List<RamRange> ramRanges, JsonNode queryMigrate, List<String> commandLine, String stderr) {}
