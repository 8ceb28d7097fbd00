package io.leaverwatch.anomaly;

import java.util.Arrays;

/** Medians and robust z-scores. */
final class Robust {
  private Robust() {}

  /** The median of the first {@code n} values (sorted in place). */
  static double median(double[] values, int n) {
    if (n == 0) {
      return 0;
    }
    Arrays.sort(values, 0, n);
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  /** How far above the median {@code x} lies, in robust spreads (never below the floor). */
  static double z(double x, double median, double spread, double minSpread) {
    return (x - median) / Math.max(spread, minSpread);
  }
}
