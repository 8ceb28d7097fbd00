package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.FindingBuilder.identityIn;
import static io.leaverwatch.core.detect.FindingBuilder.label;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code retained-access-snapshot}: an access snapshot still shows a grant of the person after the
 * revocation deadline of its system. (Its resolution, when a later snapshot no longer shows the
 * grant, belongs next to it.)
 */
final class SnapshotRetainedAccessRule implements FindingRule {
  static final String ID = "retained-access-snapshot";

  private final DetectionRule rule;

  SnapshotRetainedAccessRule(DetectionRule rule) {
    this.rule = rule;
  }

  @Override
  public List<Finding> evaluate(PersonState s, RoleBaseline b, Trigger t) {
    if (!(t instanceof Trigger.Snapshot g)) {
      return List.of();
    }
    String system = g.system();
    String grant = g.grant();
    long observedAt = g.observedAt();
    long sla =
        b.stepFor(system)
            .map(st -> st.sla().toMillis())
            .orElse(rule.windowMillis("deadline_without_step"));
    long deadline = s.departedAt + sla;
    if (observedAt <= deadline) {
      return List.of();
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("grant", grant);
    details.put("observed_at", Instant.ofEpochMilli(observedAt).toString());
    details.put("deadline", Instant.ofEpochMilli(deadline).toString());
    details.put("reason", "access snapshot shows the grant still active");
    return List.of(
        FindingBuilder.of(
                s, FindingType.RETAINED_ACCESS, b.ruleId("snapshot-" + system), b.version())
            .severity(rule.defaultSeverity())
            .source(Systems.sourceOf(system))
            .identity(identityIn(s, system))
            .action("snapshot:" + grant)
            .seen(observedAt, observedAt)
            .count(1)
            .summary(
                String.format(
                    Locale.ROOT,
                    "%s still had %s in %s at %s, after the revocation deadline %s",
                    label(s),
                    grant,
                    system,
                    Instant.ofEpochMilli(observedAt),
                    Instant.ofEpochMilli(deadline)))
            .details(details)
            .key("snapshot", GrantKey.of(system, grant).encoded())
            .build());
  }
}
