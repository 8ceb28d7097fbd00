package io.leaverwatch.core.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * One revocation a role requires: it is done when every action of one of the {@code anyOf}
 * alternatives succeeded with the person as target. The pseudo-action {@link
 * #ALL_ACCESS_KEYS_REVOKED} holds when every access key known for the person was deleted or made
 * inactive.
 */
public record RevocationStep(
    String id, String system, Duration sla, String severity, List<List<String>> anyOf)
    implements Serializable {
  public static final String ALL_ACCESS_KEYS_REVOKED = "ALL_ACCESS_KEYS_REVOKED";

  public RevocationStep {
    anyOf = anyOf.stream().map(List::copyOf).toList();
  }

  /** Whether the action is evidence for one of the alternatives of this step. */
  public boolean isEvidence(String action) {
    for (List<String> alternative : anyOf) {
      if (alternative.contains(action)) {
        return true;
      }
    }
    return false;
  }
}
