package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RevocationStep;
import io.leaverwatch.core.rules.RoleBaseline;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** When a departure's steps are due, rolled up and done with. */
final class Deadlines implements Serializable {
  private final long rollupNotBefore;

  Deadlines(long rollupNotBefore) {
    this.rollupNotBefore = rollupNotBefore;
  }

  /** The steps of the role for the systems where the person has an identity. */
  List<RevocationStep> requiredSteps(PersonState s, RoleBaseline b) {
    List<RevocationStep> out = new ArrayList<>();
    for (RevocationStep step : b.steps()) {
      if (s.identities.containsValue(step.system())) {
        out.add(step);
      }
    }
    return out;
  }

  /** When the offboarding is rolled up: the last deadline, and not before {@code not_before}. */
  long rollupTime(PersonState s, RoleBaseline b) {
    long last = s.departedAt;
    for (RevocationStep step : requiredSteps(s, b)) {
      last = Math.max(last, StepEvaluator.deadline(s, step));
    }
    return Math.max(last, s.departedAt + rollupNotBefore);
  }

  /** When nothing more can come of a departure's state: its steps final, its history past. */
  long cleanupTime(PersonState s, RoleBaseline b) {
    long last = s.departedAt;
    for (RevocationStep step : b.steps()) {
      last = Math.max(last, StepEvaluator.deadline(s, step));
    }
    return Math.max(
        Math.max(last, s.departedAt + rollupNotBefore),
        s.departedAt + b.historyHorizon().toMillis());
  }
}
