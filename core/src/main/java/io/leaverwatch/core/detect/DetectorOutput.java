package io.leaverwatch.core.detect;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.OffboardingStepStatus;
import java.util.ArrayList;
import java.util.List;

/** What one call of a detector produced: findings, step statuses and timers to set. */
public final class DetectorOutput {
  public final List<Finding> findings = new ArrayList<>();
  public final List<OffboardingStepStatus> steps = new ArrayList<>();
  public final List<Long> timers = new ArrayList<>();

  public boolean isEmpty() {
    return findings.isEmpty() && steps.isEmpty() && timers.isEmpty();
  }
}
