package io.leaverwatch.report;

import java.time.Instant;

/**
 * An approved exception: for one finding ({@code finding_id}), or for one person's step ({@code
 * person_id} + {@code step_id}, covering every finding about that step).
 */
public record ExceptionRow(
    String findingId,
    String personId,
    String stepId,
    String justification,
    String approver,
    Instant approvedAt,
    int line) {

  public boolean covers(FindingRow f) {
    if (findingId != null) {
      return findingId.equals(f.findingId());
    }
    return personId.equals(f.personId()) && stepId.equals(f.stepId());
  }
}
