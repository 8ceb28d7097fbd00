package io.leaverwatch.core.detect;

import io.leaverwatch.schema.StepState;
import java.util.List;

/**
 * Where one revocation step stands at a given instant, with who completed it (the actor of the
 * evidence event that completed it) and the person's last activity on the step's system, so a
 * report can say whether anything happened after the revocation.
 */
public record StepResult(
    StepState state,
    Long completedAt,
    List<String> evidenceIds,
    int failedAttempts,
    String detail,
    String completedBy,
    Boolean completedByAutomation,
    Long lastActivityAt,
    String lastActivityEventId) {

  public StepResult(
      StepState state,
      Long completedAt,
      List<String> evidenceIds,
      int failedAttempts,
      String detail) {
    this(state, completedAt, evidenceIds, failedAttempts, detail, null, null, null, null);
  }

  StepResult withEvidence(EventRef completedByEvent, EventRef lastActivity) {
    return new StepResult(
        state,
        completedAt,
        evidenceIds,
        failedAttempts,
        detail,
        completedByEvent == null ? null : completedByEvent.actorName,
        completedByEvent == null ? null : completedByEvent.actorApproved,
        lastActivity == null ? null : lastActivity.time,
        lastActivity == null ? null : lastActivity.eventId);
  }
}
