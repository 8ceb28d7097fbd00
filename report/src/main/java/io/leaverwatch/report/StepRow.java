package io.leaverwatch.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One offboarding step status as {@code detect --steps} writes it (or the steps index holds it).
 */
public record StepRow(
    String statusId,
    String personId,
    String email,
    String role,
    String system,
    String identity,
    String stepId,
    String status,
    Instant departedAt,
    Instant deadline,
    Instant completedAt,
    Long timeToRevokeMs,
    List<String> evidenceEventIds,
    String ruleId,
    String detail,
    long revision,
    String completedBy,
    Boolean completedByAutomation,
    Instant lastActivityAt,
    String lastActivityEventId) {

  public boolean isDone() {
    return "ON_TIME".equals(status) || "LATE".equals(status);
  }

  /** Due: its deadline has passed when the status was computed (anything but PENDING). */
  public boolean isDue() {
    return !"PENDING".equals(status);
  }

  public Duration sla() {
    return Duration.between(departedAt, deadline);
  }

  /** True when the person acted on this system after the step was done. */
  public boolean activityAfterRevocation() {
    return completedAt != null && lastActivityAt != null && lastActivityAt.isAfter(completedAt);
  }
}
