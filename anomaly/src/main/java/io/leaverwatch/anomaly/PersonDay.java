package io.leaverwatch.anomaly;

import java.util.List;

/**
 * One closed person-day: its feature values, the person's own median and robust spread of each
 * feature over their earlier days (null when they have fewer than {@code min_own_days}), and the
 * event ids behind each feature.
 */
public record PersonDay(
    String personId,
    long day,
    double[] values,
    double[] ownMedian,
    double[] ownSpread,
    List<List<String>> evidence,
    int eventCount,
    long firstSeen,
    long lastSeen) {

  public boolean hasOwnHistory() {
    return ownMedian != null;
  }
}
