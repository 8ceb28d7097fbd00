package io.leaverwatch.core.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The offboarding baseline of one role, as read from {@code rules/roles/<role>.yaml}. */
public record RoleBaseline(
    String role,
    String version,
    Duration gracePeriod,
    Duration historyHorizon,
    List<RevocationStep> steps,
    List<String> reopenActions,
    List<String> sensitiveActions)
    implements Serializable {

  public RoleBaseline {
    steps = List.copyOf(steps);
    reopenActions = List.copyOf(reopenActions);
    sensitiveActions = List.copyOf(sensitiveActions);
  }

  public Optional<RevocationStep> stepFor(String system) {
    return steps.stream().filter(s -> s.system().equals(system)).findFirst();
  }

  public boolean isReopen(String action) {
    return ActionPatterns.matchesAny(reopenActions, action);
  }

  public boolean isSensitive(String action) {
    return ActionPatterns.matchesAny(sensitiveActions, action);
  }

  /** The rule id findings of this baseline carry, e.g. {@code role/sre/okta-deactivate}. */
  public String ruleId(String part) {
    return "role/" + role + "/" + part;
  }
}
