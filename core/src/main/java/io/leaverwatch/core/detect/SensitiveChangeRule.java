package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.FindingBuilder.label;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sensitive-change-by-flagged-account}: a flagged or departed person changed something
 * sensitive.
 */
final class SensitiveChangeRule implements FindingRule {
  static final String ID = "sensitive-change-by-flagged-account";

  private final DetectionRule rule;

  SensitiveChangeRule(DetectionRule rule) {
    this.rule = rule;
  }

  @Override
  public List<Finding> evaluate(PersonState s, RoleBaseline b, Trigger t) {
    if (!(t instanceof Trigger.Notable n)) {
      return List.of();
    }
    EventRef r = n.event();
    boolean sensitive =
        r.actionClass.equals(ActionClass.SENSITIVE_CHANGE.name()) || b.isSensitive(r.action);
    if (!sensitive || !Participation.ACTOR.is(r.role) || r.time < s.flaggedFrom()) {
      return List.of();
    }
    boolean after = r.time > s.departedAt;
    Map<String, String> details = new LinkedHashMap<>();
    details.put("period", after ? "after departure" : "notice period");
    details.put("outcome", r.failed ? "FAILURE" : "SUCCESS");
    if (r.sourceIp != null) {
      details.put("source_ip", r.sourceIp);
    }
    return List.of(
        FindingBuilder.ofEvent(
                s, FindingType.SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT, b.ruleId(ID), b.version(), r)
            .severity(after ? rule.severity("after_departure") : rule.defaultSeverity())
            .summary(
                String.format(
                    Locale.ROOT,
                    "%s, flagged since %s, made a sensitive change: %s%s",
                    label(s),
                    Instant.ofEpochMilli(s.flaggedFrom()),
                    r.action,
                    r.failed ? " (failed)" : ""))
            .details(details)
            .build());
  }
}
