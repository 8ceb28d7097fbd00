package io.leaverwatch.testkit.generate;

import java.util.List;
import java.util.Map;

/**
 * What a run wrote: events per source, the files with their line/record counts (sorted by path) and
 * the incident kinds that could not be placed (too few suitable leavers).
 */
public record GenerationSummary(
    Map<String, Long> eventsBySource,
    Map<String, Long> files,
    int groundTruthFindings,
    Map<String, List<String>> incidents,
    List<String> skippedIncidents) {

  public long totalEvents() {
    return eventsBySource.values().stream().mapToLong(Long::longValue).sum();
  }
}
