package io.leaverwatch.anomaly;

import java.util.List;

/**
 * The score of one person-day and why.
 *
 * @param score the combined score in [0, 1)
 * @param peer the peers' Isolation Forest score
 * @param own how far the day lies from the person's own past, mapped to [0, 1); 0 without history
 * @param top the features that stand out most, strongest first (at most three)
 */
public record DayScore(
    PersonDay day, String model, double score, double peer, double own, List<Reason> top) {

  /** One feature that stands out: its value, the role's median and the person's own median. */
  public record Reason(
      int feature, String name, double value, double roleMedian, Double ownMedian, double z) {}
}
