package io.leaverwatch.anomaly;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trained detector: a peer model per role with enough people, the global one, and the threshold
 * that holds the alert budget on the training days. Serialised into the model directory by {@link
 * ModelDirectory}.
 */
public final class AnomalyModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The model directory's format; a directory of another format is refused, not misread. */
  public static final int FORMAT_VERSION = 1;

  private final AnomalyRules rules;
  private final Map<String, PeerModel> roles;
  private final PeerModel global;
  private final double threshold;
  private final double[] trainingQuantiles;
  private final Map<String, Integer> peoplePerRole;
  private final long firstDay;
  private final long lastDay;
  private final int trainingDays;

  public AnomalyModel(
      AnomalyRules rules,
      Map<String, PeerModel> roles,
      PeerModel global,
      double threshold,
      double[] trainingQuantiles,
      Map<String, Integer> peoplePerRole,
      long firstDay,
      long lastDay,
      int trainingDays) {
    this.rules = rules;
    this.roles = new TreeMap<>(roles);
    this.global = global;
    this.threshold = threshold;
    this.trainingQuantiles = trainingQuantiles;
    this.peoplePerRole = new TreeMap<>(peoplePerRole);
    this.firstDay = firstDay;
    this.lastDay = lastDay;
    this.trainingDays = trainingDays;
  }

  /** The quantiles {@link #trainingQuantiles()} reports, in order. */
  public static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};

  public AnomalyRules rules() {
    return rules;
  }

  /** The role's own model, or the global one when the role had too few people. */
  public PeerModel peersOf(String role) {
    PeerModel m = role == null ? null : roles.get(role);
    return m != null ? m : global;
  }

  public Map<String, PeerModel> roleModels() {
    return roles;
  }

  public PeerModel global() {
    return global;
  }

  public double threshold() {
    return threshold;
  }

  public double[] trainingQuantiles() {
    return trainingQuantiles.clone();
  }

  public Map<String, Integer> peoplePerRole() {
    return peoplePerRole;
  }

  public long firstDay() {
    return firstDay;
  }

  public long lastDay() {
    return lastDay;
  }

  public int trainingDays() {
    return trainingDays;
  }
}
