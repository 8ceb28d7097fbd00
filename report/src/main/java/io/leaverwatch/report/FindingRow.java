package io.leaverwatch.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One finding as {@code detect --out} writes it (or the findings index holds it). */
public record FindingRow(
    String findingId,
    String type,
    String severity,
    String personId,
    String email,
    String source,
    String identity,
    String action,
    Instant firstSeen,
    Instant lastSeen,
    long eventCount,
    List<String> eventIds,
    String ruleId,
    String summary,
    Map<String, String> details,
    long revision,
    String status,
    Instant resolvedAt,
    String resolution) {

  public boolean isOpen() {
    return !"RESOLVED".equals(status);
  }

  /** The revocation step a finding is about, when it is about one (RETAINED_ACCESS). */
  public String stepId() {
    String step = details.get("step");
    return step != null ? step : "RETAINED_ACCESS".equals(type) ? action : null;
  }
}
