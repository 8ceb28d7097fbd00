package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.FindingBuilder.label;
import static io.leaverwatch.core.detect.FindingBuilder.limit;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RevocationStep;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.StepState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code offboarding-incomplete}: the roll-up once every deadline has passed and not before {@code
 * not_before}: some required steps missing or failed. A fixed instant, so streaming and bounded
 * runs agree; resolved when no step is left missing or failed.
 */
final class OffboardingIncompleteRule implements FindingRule {
  static final String ID = "offboarding-incomplete";

  private final DetectionRule rule;
  private final Deadlines deadlines;

  OffboardingIncompleteRule(DetectionRule rule, Deadlines deadlines) {
    this.rule = rule;
    this.deadlines = deadlines;
  }

  @Override
  public List<Finding> evaluate(PersonState s, RoleBaseline b, Trigger t) {
    if (!(t instanceof Trigger.Rollup r)) {
      return List.of();
    }
    Finding open = open(s, b);
    if (open == null) {
      return List.of();
    }
    long doneAt = Long.MIN_VALUE;
    List<String> late = new ArrayList<>();
    for (RevocationStep step : deadlines.requiredSteps(s, b)) {
      StepResult now = StepEvaluator.evaluate(s, step, r.known());
      if (now.state() != StepState.LATE && now.state() != StepState.ON_TIME) {
        return List.of(open);
      }
      doneAt = Math.max(doneAt, now.completedAt());
      if (now.state() == StepState.LATE) {
        late.add(step.id() + " " + Resolutions.revokedText(now, step, s));
      }
    }
    return List.of(
        Resolutions.resolved(
            open,
            Math.max(doneAt, open.getLastSeen().toEpochMilli()),
            "no step left missing or failed"
                + (late.isEmpty() ? "" : ": " + String.join(", ", late))));
  }

  private Finding open(PersonState s, RoleBaseline b) {
    long last = deadlines.rollupTime(s, b);
    List<String> bad = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<RevocationStep> steps = deadlines.requiredSteps(s, b);
    for (RevocationStep step : steps) {
      StepResult r = StepEvaluator.evaluate(s, step, last);
      if (r.state() == StepState.MISSING || r.state() == StepState.FAILED) {
        bad.add(step.id() + "=" + r.state());
        ids.addAll(r.evidenceIds());
      }
    }
    if (bad.isEmpty()) {
      return null;
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("steps_required", Integer.toString(steps.size()));
    details.put("steps_not_done", String.join(",", bad));
    return FindingBuilder.of(s, FindingType.OFFBOARDING_INCOMPLETE, b.ruleId(ID), b.version())
        .severity(
            bad.size() >= rule.threshold("several_steps")
                ? rule.severity("several_steps_not_done")
                : rule.defaultSeverity())
        .source(null)
        .identity(s.email)
        .action("offboarding")
        .seen(s.departedAt, last)
        .count(ids.size())
        .eventIds(limit(ids, rule.intThreshold("max_event_ids")))
        .summary(
            String.format(
                Locale.ROOT,
                "%s's offboarding is incomplete: %d of %d steps not done (%s)",
                label(s),
                bad.size(),
                steps.size(),
                String.join(", ", bad)))
        .details(details)
        .key("departure", Long.toString(s.departedAt))
        .build();
  }
}
