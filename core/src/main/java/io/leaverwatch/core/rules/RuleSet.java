package io.leaverwatch.core.rules;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every rule the detection job needs: role baselines (with the default), the automation and the
 * detection catalogue.
 */
public final class RuleSet implements Serializable {
  public static final String DEFAULT_ROLE = "default";

  private final Map<String, RoleBaseline> baselines;

  /** The same baselines for lookups: the detectors ask on every event, a hash beats the tree. */
  private final Map<String, RoleBaseline> byRole;

  private final ApprovedAutomation automation;
  private final DetectionCatalogue detections;

  public RuleSet(
      Map<String, RoleBaseline> baselines,
      ApprovedAutomation automation,
      DetectionCatalogue detections) {
    if (!baselines.containsKey(DEFAULT_ROLE)) {
      throw new RuleFileException("roles/default.yaml is missing: every rule set needs a default");
    }
    this.baselines = new TreeMap<>(baselines);
    this.byRole = new HashMap<>(baselines);
    this.automation = automation;
    this.detections = detections;
  }

  /** The finding rules of {@code rules/detections/}: severities, windows and thresholds. */
  public DetectionCatalogue detections() {
    return detections;
  }

  public DetectionRule detection(String id) {
    return detections.rule(id);
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
