package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.FindingBuilder.label;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code access-reopened}: after departure, someone re-activated, re-added or granted the person.
 */
final class AccessReopenedRule implements FindingRule {
  static final String ID = "access-reopened";

  private final DetectionRule rule;

  AccessReopenedRule(DetectionRule rule) {
    this.rule = rule;
  }

  @Override
  public List<Finding> evaluate(PersonState s, RoleBaseline b, Trigger t) {
    if (!(t instanceof Trigger.Notable n)) {
      return List.of();
    }
    EventRef r = n.event();
    boolean reopen =
        r.actionClass.equals(ActionClass.PRIVILEGE_CHANGE.name()) || b.isReopen(r.action);
    if (!reopen || !Participation.TARGET.is(r.role) || r.failed || r.time <= s.departedAt) {
      return List.of();
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("actor", r.actorName);
    details.put("reason", "access re-opened after departure");
    return List.of(
        FindingBuilder.ofEvent(s, FindingType.RETAINED_ACCESS, b.ruleId(ID), b.version(), r)
            .severity(rule.defaultSeverity())
            .summary(
                String.format(
                    Locale.ROOT,
                    "%s's access was re-opened after departure: %s by %s",
                    label(s),
                    r.action,
                    r.actorName))
            .details(details)
            .build());
  }
}
