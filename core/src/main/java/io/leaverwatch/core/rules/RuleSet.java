package io.leaverwatch.core.rules;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Every rule the detection job needs: role baselines (with the default) and the automation. */
public final class RuleSet implements Serializable {
  public static final String DEFAULT_ROLE = "default";

  private final Map<String, RoleBaseline> baselines;

  /** The same baselines for lookups: the detectors ask on every event, a hash beats the tree. */
  private final Map<String, RoleBaseline> byRole;

  private final ApprovedAutomation automation;

  public RuleSet(Map<String, RoleBaseline> baselines, ApprovedAutomation automation) {
    if (!baselines.containsKey(DEFAULT_ROLE)) {
      throw new RuleFileException("roles/default.yaml is missing: every rule set needs a default");
    }
    this.baselines = new TreeMap<>(baselines);
    this.byRole = new HashMap<>(baselines);
    this.automation = automation;
  }

  /** The baseline of the role, or the default one when the role has no file. */
  public RoleBaseline baselineFor(String role) {
    RoleBaseline b = role == null ? null : byRole.get(role);
    return b != null ? b : byRole.get(DEFAULT_ROLE);
  }

  public Map<String, RoleBaseline> baselines() {
    return baselines;
  }

  public ApprovedAutomation automation() {
    return automation;
  }
}
