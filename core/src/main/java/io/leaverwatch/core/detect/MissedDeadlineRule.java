package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.FindingBuilder.identityIn;
import static io.leaverwatch.core.detect.FindingBuilder.label;
import static io.leaverwatch.core.detect.FindingBuilder.limit;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RevocationStep;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.StepState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code retained-access-missed-deadline}: a required step not done by its deadline; resolved, with
 * how late and by whom, once the revocation is known.
 */
final class MissedDeadlineRule implements FindingRule {
  static final String ID = "retained-access-missed-deadline";

  private final DetectionRule rule;

  MissedDeadlineRule(DetectionRule rule) {
    this.rule = rule;
  }

  @Override
  public List<Finding> evaluate(PersonState s, RoleBaseline b, Trigger t) {
    if (!(t instanceof Trigger.Deadline d)) {
      return List.of();
    }
    RevocationStep step = d.step();
    long deadline = StepEvaluator.deadline(s, step);
    StepResult atDeadline = StepEvaluator.evaluate(s, step, deadline);
    if (atDeadline.state() == StepState.ON_TIME) {
      return List.of();
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("step", step.id());
    details.put("sla", step.sla().toString());
    details.put("deadline", Instant.ofEpochMilli(deadline).toString());
    details.put("status_at_deadline", atDeadline.state().name());
    if (atDeadline.detail() != null) {
      details.put("detail", atDeadline.detail());
    }
    Finding open =
        FindingBuilder.of(s, FindingType.RETAINED_ACCESS, b.ruleId(step.id()), b.version())
            // the step's own severity; the role loader gave it this rule's default when it had none
            .severity(Severity.valueOf(step.severity()))
            .source(Systems.sourceOf(step.system()))
            .identity(identityIn(s, step.system()))
            .action(step.id())
            .seen(s.departedAt, deadline)
            .count(atDeadline.evidenceIds().size())
            .eventIds(limit(atDeadline.evidenceIds(), rule.intThreshold("max_event_ids")))
            .summary(
                String.format(
                    Locale.ROOT,
                    "%s's %s access was not revoked within %s of departure (%s at the deadline %s)",
                    label(s),
                    step.system(),
                    human(step.sla()),
                    atDeadline.state() == StepState.FAILED
                        ? "revocation FAILED"
                        : "no revocation seen",
                    Instant.ofEpochMilli(deadline)))
            .details(details)
            .key("step", step.id())
            .build();
    StepResult now = StepEvaluator.evaluate(s, step, d.known());
    if (now.completedAt() == null
        || (now.state() != StepState.LATE && now.state() != StepState.ON_TIME)) {
      return List.of(open);
    }
    return List.of(
        Resolutions.resolved(open, now.completedAt(), Resolutions.revokedText(now, step, s)));
  }

  private static String human(Duration d) {
    long m = d.toMinutes();
    return m % 60 == 0 ? (m / 60) + " h" : m + " min";
  }
}
