package io.leaverwatch.anomaly;

import java.io.Serializable;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The ANOMALOUS_ACTIVITY rule file ({@code rules/detections/anomalous-activity.yaml}) once
 * validated: the feature definitions, the day boundary, the alert budget, the score bands and the
 * model parameters. Read by {@link AnomalyRulesLoader}.
 */
public record AnomalyRules(
    String ruleId,
    String version,
    ZoneOffset dayBoundary,
    int scoredDaysBeforeDeparture,
    double alertBudgetPer1000,
    int minPeersPerRole,
    int minOwnDays,
    int ownHistoryDays,
    int usualFrom,
    int usualTo,
    double usualHourMinShare,
    int shareFloorEvents,
    int shareFloorResources,
    Forest forest,
    List<Band> bands,
    int evidencePerFeature,
    List<FeatureDefinition> features)
    implements Serializable {

  public static final long DAY_MS = 86_400_000L;

  /** Isolation Forest parameters: trees, rows per tree (drawn by us), maximum depth, seed. */
  public record Forest(int trees, int subsample, int maxDepth, long seed) implements Serializable {}

  /** A score band: from {@code minScore} up, findings have {@code severity}. */
  public record Band(double minScore, String severity) implements Serializable {}

  /** The day (days since the epoch at the boundary offset) that holds {@code epochMs}. */
  public long dayOf(long epochMs) {
    return Math.floorDiv(epochMs + dayBoundary.getTotalSeconds() * 1000L, DAY_MS);
  }

  /** The first instant of {@code day}, in epoch milliseconds. */
  public long dayStart(long day) {
    return day * DAY_MS - dayBoundary.getTotalSeconds() * 1000L;
  }

  /** The hour of day (0-23) of {@code epochMs} at the boundary offset. */
  public int hourOf(long epochMs) {
    return (int)
        (Math.floorMod(epochMs + dayBoundary.getTotalSeconds() * 1000L, DAY_MS) / 3_600_000L);
  }

  /** The severity of a score: the highest band it reaches. */
  public String severityOf(double score) {
    String s = bands.get(0).severity();
    for (Band b : bands) {
      if (score >= b.minScore()) {
        s = b.severity();
      }
    }
    return s;
  }

  public int featureCount() {
    return features.size();
  }

  /**
   * A hash of everything the per-person state depends on (the day boundary, the own-history length,
   * the evidence sample size and every feature's definition): state accumulated under one
   * fingerprint is not read under another.
   */
  public long stateFingerprint() {
    StringBuilder sb = new StringBuilder();
    sb.append(dayBoundary.getId())
        .append('|')
        .append(ownHistoryDays)
        .append('|')
        .append(evidencePerFeature);
    for (FeatureDefinition f : features) {
      sb.append('\n')
          .append(f.name())
          .append('|')
          .append(f.kind())
          .append('|')
          .append(new java.util.TreeSet<>(f.sources()))
          .append('|')
          .append(new java.util.TreeSet<>(f.actions()))
          .append('|')
          .append(new java.util.TreeSet<>(f.actionClasses()))
          .append('|')
          .append(f.resourcePattern() == null ? "" : f.resourcePattern().pattern());
    }
    return LongSet.hash(sb.toString());
  }
}
